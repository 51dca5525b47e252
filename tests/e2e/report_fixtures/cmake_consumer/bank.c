#include <stdio.h>
int main(void) {
  puts("bank: ok");
  return 0;
}
