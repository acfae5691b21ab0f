/**
 * The closed forms of the four L2-type discrepancies (Hickernell 1998; Fang, Li & Sudjianto
 * 2006; Zhou, Fang & Ning 2013 for the mixture discrepancy). Each squared discrepancy of n
 * points x_1..x_n in [0,1]^d has the same shape
 *
 *   D^2 = C(d) - (2/n) sum_i prod_k single(x_ik) + (1/n^2) sum_i sum_j prod_k pair(x_ik, x_jk),
 *
 * so one evaluator (discrepancy.ts) serves all four; only the three pieces differ. The constant
 * and single sums (O(n d)) are here; the pair sums (O(n^2 d)) are inlined per method in
 * pair-sums.ts.
 *
 *   centered (CD):    C = (13/12)^d,  single = 1 + |x-1/2|/2 - |x-1/2|^2/2,
 *                     pair = 1 + |x-1/2|/2 + |y-1/2|/2 - |x-y|/2
 *   wrap-around (WD): C = -(4/3)^d,   single = none,
 *                     pair = 3/2 - |x-y| (1 - |x-y|)
 *   mixture (MD):     C = (19/12)^d,  single = 5/3 - |x-1/2|/4 - |x-1/2|^2/4,
 *                     pair = 15/8 - |x-1/2|/4 - |y-1/2|/4 - 3|x-y|/4 + |x-y|^2/2
 *   L2-star:          C = 3^-d,       single = (1 - x^2)/2,   pair = 1 - max(x, y)
 *
 * (L2-star is usually written with 2^(1-d)/n prod (1 - x^2); 2 prod((1-x^2)/2) is the same.)
 * These are the formulas behind scipy.stats.qmc.discrepancy.
 */

export type DiscrepancyMethod = "CD" | "WD" | "MD" | "L2-star";

export interface DiscrepancyFormula {
  constant(d: number): number;
  /** null when the method has no single sum (WD). */
  single: ((x: number) => number) | null;
}

export const FORMULAS: Record<DiscrepancyMethod, DiscrepancyFormula> = {
  CD: {
    constant: (d) => (13 / 12) ** d,
    single: (x) => {
      const a = Math.abs(x - 0.5);
      return 1 + 0.5 * a - 0.5 * a * a;
    },
  },
  WD: {
    constant: (d) => -((4 / 3) ** d),
    single: null,
  },
  MD: {
    constant: (d) => (19 / 12) ** d,
    single: (x) => {
      const a = Math.abs(x - 0.5);
      return 5 / 3 - 0.25 * a - 0.25 * a * a;
    },
  },
  "L2-star": {
    constant: (d) => 3 ** -d,
    single: (x) => 0.5 * (1 - x * x),
  },
};
