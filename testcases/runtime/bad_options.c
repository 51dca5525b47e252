// Bad input: an unknown INTERLOCK_OPTIONS key. The runtime must not run the
// program unchecked: it names the bad key and the valid ones on stderr and
// exits with status 2 before main, writing no report.
// RUN-OPTIONS: halt_on_eror=1
// EXPECT-EXIT: 2
// EXPECT-STDERR: unknown option 'halt_on_eror'
// EXPECT-STDERR: valid keys:.*halt_on_error
// EXPECT-NO-SARIF
#include <stdio.h>

int main(void) {
  puts("main ran: the runtime let a misconfigured program run unchecked");
  return 0;
}
