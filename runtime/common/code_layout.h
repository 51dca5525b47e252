// Where the runtime's code goes in the library, and why it matters.
//
// Every page of libinterlock.so that a run touches counts in the program's
// resident memory, and the kernel maps more than the page it faults in: the
// whole 64 KiB neighbourhood ("fault-around"). A run executes about 60 KiB of
// the library's ~370 KiB of code (start-up, the lock paths, thread and process
// exit); the rest reports findings. Spread over the file, those 60 KiB touched
// every 64 KiB window, about 380 KiB of resident text per process; kept
// together they touch one or two. Two things keep them together:
//  - the link order in runtime/CMakeLists.txt: the files of the lock paths
//    first, the reporting files last;
//  - INTERLOCK_COLD on the code that runs only when something is found (the
//    report builders, the SARIF writer, the symbolizer, option help): GCC
//    moves it to .text.unlikely, away from the code beside it. It also tells
//    the compiler that branches into it are unlikely, and keeps it out of
//    line so the hot functions that call it need fewer saved registers.
// Measured in docs/performance.md ("Memory": resident text).
#pragma once

#define INTERLOCK_COLD __attribute__((noinline, cold))
