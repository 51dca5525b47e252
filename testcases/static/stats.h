// A global written in one file and read in another while the writer runs.
#pragma once

namespace stats {

extern long bytes_sent;
void record_send(long bytes);   // stats_writer.cpp
long snapshot();                // stats_reader.cpp
void run();

} // namespace stats
