#!/bin/sh
# A stand-in for llvm-symbolizer (symbolizer_path=...): says on the stderr of
# the process that started it (the program under test) that it was started,
# then becomes the real llvm-symbolizer. Lets a test see whether the runtime
# started a symbolizer at all.
echo "announcing symbolizer started" > /proc/$PPID/fd/2
for real in llvm-symbolizer-19 llvm-symbolizer /usr/lib/llvm-19/bin/llvm-symbolizer; do
  if command -v "$real" > /dev/null 2>&1; then exec "$real" "$@"; fi
done
exit 1
