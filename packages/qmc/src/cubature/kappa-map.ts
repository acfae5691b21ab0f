/**
 * The data-driven wavenumber map kappa of Hickernell & Jimenez Rugama (2016), "Reliable
 * adaptive cubature using digital sequences" / "... rank-1 lattice rules".
 *
 * With n = 2^m points, the discrete coefficient yTilde[k] (k < n) aggregates the true Fourier
 * (lattice) or Walsh (net) coefficients of a whole alias class; the classes are nested: the
 * class of k at level l+1 is either half of the class of k mod 2^l at level l, so indices k and
 * k + 2^l are siblings with parent k (0 < k < 2^l). The map orders each sibling pair so that the
 * larger |yTilde| sits at the smaller map position; in a cone of functions whose coefficients
 * decay, the sum of |yTilde[kappa[j]]| over a block of j then bounds the cubature error.
 *
 * updateKappaMap swaps, for l = lFrom down to lTo + 1, every pair (k, k + 2^l) of map positions
 * (k not a multiple of 2^(l+1)... i.e. k = i + q 2^(l+1), 0 < i < 2^l) whose "new" partner has
 * the larger coefficient; the decision is taken on the first block (q = 0) and applied to all
 * blocks, as in the reference algorithm.
 */
export function updateKappaMap(
  kappa: Int32Array,
  magnitude: Float64Array,
  lFrom: number,
  lTo: number,
): void {
  const n = kappa.length;
  for (let l = lFrom; l > lTo; l--) {
    const nl = 2 ** l;
    const flips: number[] = [];
    for (let i = 1; i < nl; i++) if (magnitude[kappa[nl + i]] > magnitude[kappa[i]]) flips.push(i);
    for (let q = 0; q < n; q += 2 * nl)
      for (const i of flips) {
        const a = q + i;
        const t = kappa[a];
        kappa[a] = kappa[a + nl];
        kappa[a + nl] = t;
      }
  }
}
