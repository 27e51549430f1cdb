/*
** pingpong.c N: the C floor of a cross-process round trip.  A parent and a
** forked child pass a token through a 4-byte counter in POSIX shared
** memory with sequentially consistent atomics, N times.  Prints seconds
** per round trip.
*/
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main (int argc, char **argv) {
  long i, n = argc > 1 ? atol(argv[1]) : 100000;
  uint32_t *turn = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  double t0;
  pid_t child;
  if (turn == MAP_FAILED) return 1;
  *turn = 0;
  child = fork();
  if (child == 0) {  /* answers odd with even */
    for (i = 0; i < n; i++) {
      while (__atomic_load_n(turn, __ATOMIC_SEQ_CST) != (uint32_t)(2 * i + 1)) {}
      __atomic_store_n(turn, (uint32_t)(2 * i + 2), __ATOMIC_SEQ_CST);
    }
    _exit(0);
  }
  t0 = now();
  for (i = 0; i < n; i++) {
    __atomic_store_n(turn, (uint32_t)(2 * i + 1), __ATOMIC_SEQ_CST);
    while (__atomic_load_n(turn, __ATOMIC_SEQ_CST) != (uint32_t)(2 * i + 2)) {}
  }
  printf("%.9f\n", (now() - t0) / (double)n);
  waitpid(child, NULL, 0);
  return 0;
}
