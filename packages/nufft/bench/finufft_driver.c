/* Tiny timing driver for FINUFFT (built by build-finufft.sh; not part of the package).
 * usage: finufft_driver TYPE DIM N M TOL REPS
 *   TYPE 1 or 2, DIM 1..3, N modes per dimension, M uniform random points in [-pi, pi)^DIM.
 * Threads come from OMP_NUM_THREADS (opts.nthreads = 0). Each rep times one whole simple-call
 * equivalent (makeplan + setpts + execute + destroy, as finufftNdM does) and, separately,
 * setpts + execute on a kept plan. Prints one JSON line with the median seconds of each. */
#include <finufft.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static unsigned long long state = 0x9e3779b97f4a7c15ULL;
static double urand(void) { /* xorshift64*, uniform in [0, 1) */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return (double)((state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s TYPE DIM N M TOL REPS\n", argv[0]);
    return 2;
  }
  int type = atoi(argv[1]), dim = atoi(argv[2]);
  int64_t n = atoll(argv[3]), m = atoll(argv[4]);
  double tol = atof(argv[5]);
  int reps = atoi(argv[6]);
  int64_t nmodes[3] = {1, 1, 1}, ntot = 1;
  for (int d = 0; d < dim; d++) nmodes[d] = n, ntot *= n;
  double *xyz[3] = {NULL, NULL, NULL};
  for (int d = 0; d < dim; d++) {
    xyz[d] = malloc(sizeof(double) * m);
    for (int64_t j = 0; j < m; j++) xyz[d][j] = M_PI * (2 * urand() - 1);
  }
  double *c = malloc(sizeof(double) * 2 * m), *f = malloc(sizeof(double) * 2 * ntot);
  for (int64_t j = 0; j < 2 * m; j++) c[j] = 2 * urand() - 1;
  for (int64_t k = 0; k < 2 * ntot; k++) f[k] = 2 * urand() - 1;
  finufft_opts opts;
  finufft_default_opts(&opts);
  double *whole = malloc(sizeof(double) * reps), *exec = malloc(sizeof(double) * reps);
  for (int r = 0; r < reps; r++) {
    finufft_plan plan;
    double t0 = now();
    int ier = finufft_makeplan(type, dim, nmodes, +1, 1, tol, &plan, &opts);
    ier |= finufft_setpts(plan, m, xyz[0], xyz[1], xyz[2], 0, NULL, NULL, NULL);
    ier |= finufft_execute(plan, (void *)c, (void *)f);
    double t1 = now();
    ier |= finufft_setpts(plan, m, xyz[0], xyz[1], xyz[2], 0, NULL, NULL, NULL);
    ier |= finufft_execute(plan, (void *)c, (void *)f);
    double t2 = now();
    finufft_destroy(plan);
    if (ier > 1) {
      fprintf(stderr, "finufft error %d\n", ier);
      return 1;
    }
    whole[r] = t1 - t0;
    exec[r] = t2 - t1;
  }
  qsort(whole, reps, sizeof(double), cmp);
  qsort(exec, reps, sizeof(double), cmp);
  printf("{\"type\":%d,\"dim\":%d,\"n\":%lld,\"m\":%lld,\"tol\":%g,\"wholeS\":%.6g,\"execS\":%.6g}\n",
         type, dim, (long long)n, (long long)m, tol, whole[reps / 2], exec[reps / 2]);
  return 0;
}
