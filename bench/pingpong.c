/*
** pingpong.c N: the C floor of a cross-process round trip.  A parent and a
** forked child pass a token through a 4-byte counter in shared memory
** with sequentially consistent atomics, N times.  Prints seconds per
** round trip: the median over batches of BATCH trips, so the batches in
** which the machine gave one side's core to another process do not count
** (bench/pingpong.lua measures the same way).
*/
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 100

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp (const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main (int argc, char **argv) {
  long i, n = argc > 1 ? atol(argv[1]) : 100000, nb = 0;
  uint32_t *turn = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  double *batch = malloc(sizeof(double) * (size_t)(n / BATCH + 1));
  double t0 = 0;
  pid_t child;
  if (turn == MAP_FAILED || batch == NULL || n < 2 * BATCH) return 1;
  *turn = 0;
  child = fork();
  if (child == 0) {  /* answers odd with even */
    for (i = 0; i < n; i++) {
      while (__atomic_load_n(turn, __ATOMIC_SEQ_CST) != (uint32_t)(2 * i + 1)) {}
      __atomic_store_n(turn, (uint32_t)(2 * i + 2), __ATOMIC_SEQ_CST);
    }
    _exit(0);
  }
  for (i = 0; i < n; i++) {
    if (i % BATCH == 0) {  /* the first batch includes the child's start */
      double t = now();
      if (i > BATCH) batch[nb++] = (t - t0) / BATCH;
      t0 = t;
    }
    __atomic_store_n(turn, (uint32_t)(2 * i + 1), __ATOMIC_SEQ_CST);
    while (__atomic_load_n(turn, __ATOMIC_SEQ_CST) != (uint32_t)(2 * i + 2)) {}
  }
  waitpid(child, NULL, 0);
  qsort(batch, (size_t)nb, sizeof(double), cmp);
  printf("%.12f\n", batch[nb / 2]);
  free(batch);
  return 0;
}
