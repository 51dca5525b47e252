/* Stands in for libinterlock.so: writes a SARIF run with a lock graph to the
 * sarif= path of INTERLOCK_OPTIONS, as the real runtime does at exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((destructor)) static void write_sarif(void) {
  const char *options = getenv("INTERLOCK_OPTIONS");
  const char *at = options ? strstr(options, "sarif=") : NULL;
  if (!at)
    return;
  char path[4096];
  size_t n = 0;
  for (const char *c = at + 6; *c && *c != ':' && n + 16 < sizeof path; ++c) {
    if (c[0] == '%' && c[1] == 'p') {
      n += (size_t)snprintf(path + n, sizeof path - n, "%d", (int)getpid());
      ++c;
    } else {
      path[n++] = *c;
    }
  }
  path[n] = '\0';
  FILE *f = fopen(path, "w");
  if (!f)
    return;
  fprintf(f, "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"interlock-runtime\"}},"
             "\"results\":[],\"properties\":{\"pid\":%d,\"degraded\":[],\"lockGraph\":{\"locks\":[],"
             "\"edges\":[{\"from\":\"var:a\",\"to\":\"var:b\",\"thread\":1,"
             "\"fromSite\":{\"uri\":\"file:///x.c\",\"line\":1,\"function\":\"f\"},"
             "\"toSite\":{\"uri\":\"file:///x.c\",\"line\":2,\"function\":\"f\"},\"gates\":[]}]}}}]}\n",
          (int)getpid());
  fclose(f);
}
