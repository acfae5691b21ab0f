/** Fine (upsampled) grid sizes: even and 2,3,5-smooth so the FFT runs its fastest codelets. */
export function next235Even(n: number): number {
  let m = Math.max(2, Math.ceil(n));
  // Smooth numbers thin out: above 2^31 the search could take ~1e9 steps. Such sizes exceed
  // MAX_FINE_CELLS anyway and are refused by checkFineGrid; return them unsmoothed.
  if (!(m <= 2 ** 31)) return m;
  if (m % 2 === 1) m++;
  for (; ; m += 2) {
    let r = m;
    while (r % 2 === 0) r /= 2;
    while (r % 3 === 0) r /= 3;
    while (r % 5 === 0) r /= 5;
    if (r === 1) return m;
  }
}

/**
 * FINUFFT's rule nf = next235even(max(sigma N, 2 w)), plus a margin of 2 w on small grids
 * (sigma N < 32 w). Why: with few modes the relative L2 error is dominated by the few edge modes
 * (|k| near N/2, where the deconvolution divides by the smallest psihat), so it averages less;
 * measured (1-D type 1, M = 60, 200 seeds per eps): up to 5.5 eps at N = 10 and 4.65 eps at
 * N = 24 with FINUFFT's rule, at most 1.2 eps with the margin (N = 10..96), while large grids stay at
 * 1-2 eps without it. The extra cells cost little on grids that small.
 */
export function fineGridSize(nModes: number, upsampfac: number, width: number): number {
  const base = Math.ceil(upsampfac * nModes);
  const margin = base < 32 * width ? 2 * width : 0;
  return next235Even(Math.max(base + margin, 2 * width));
}
