/**
 * Gauss-Legendre nodes and weights on [-1, 1] by Newton's method on P_n (three-term recurrence),
 * started from Tricomi's approximation cos(pi (i + 3/4) / (n + 1/2)). Converges to full double
 * precision in a few steps for the n <= 200 used here.
 */
export interface Quadrature {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

export function gaussLegendre(n: number): Quadrature {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iter = 0; iter < 100; iter++) {
      // P_n(x) and P_{n-1}(x) by the recurrence k P_k = (2k - 1) x P_{k-1} - (k - 1) P_{k-2}.
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 0 ? 1 : p1;
      const pnm1 = n === 1 ? 1 : p0;
      derivative = (n * (x * pn - pnm1)) / (x * x - 1);
      const dx = pn / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  return { nodes, weights };
}
