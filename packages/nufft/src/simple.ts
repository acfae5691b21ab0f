/**
 * FINUFFT's simple interface: one call = make a plan, set the points, execute, dispose.
 * Precision follows the data array (Float32Array -> "f32") unless opts.precision says otherwise;
 * nTransforms > 1 (opts) gives FINUFFT's "many" variants (contiguous blocks). Conventions in
 * types.ts; isign and eps are explicit as in FINUFFT.
 */
import { makePlan } from "./plan.js";
import type { ComplexArray, Coords, NufftOptions, NufftType, Sign } from "./types.js";

type SimpleOptions = Omit<NufftOptions, "isign" | "eps">;

function run(
  type: NufftType,
  modesOrDim: number[] | number,
  points: (Coords | undefined)[],
  data: ComplexArray,
  isign: Sign,
  eps: number,
  opts: SimpleOptions | undefined,
): ComplexArray {
  const precision = opts?.precision ?? (data instanceof Float32Array ? "f32" : "f64");
  const plan = makePlan(type, modesOrDim, { ...opts, precision, isign, eps });
  try {
    plan.setPoints(points[0] as Coords, points[1], points[2], points[3], points[4], points[5]);
    return plan.execute(data);
  } finally {
    plan.dispose();
  }
}

/** f[k] = sum_j c[j] exp(isign i k x_j), k = -floor(ms/2) .. ceil(ms/2) - 1. */
export function nufft1d1(
  x: Coords,
  c: ComplexArray,
  isign: Sign,
  eps: number,
  ms: number,
  opts?: SimpleOptions,
): ComplexArray {
  return run(1, [ms], [x], c, isign, eps, opts);
}
export function nufft2d1(
  x: Coords,
  y: Coords,
  c: ComplexArray,
  isign: Sign,
  eps: number,
  ms: number,
  mt: number,
  opts?: SimpleOptions,
): ComplexArray {
  return run(1, [ms, mt], [x, y], c, isign, eps, opts);
}
export function nufft3d1(
  x: Coords,
  y: Coords,
  z: Coords,
  c: ComplexArray,
  isign: Sign,
  eps: number,
  ms: number,
  mt: number,
  mu: number,
  opts?: SimpleOptions,
): ComplexArray {
  return run(1, [ms, mt, mu], [x, y, z], c, isign, eps, opts);
}

/** c[j] = sum_k f[k] exp(isign i k x_j), f of ms modes. */
export function nufft1d2(
  x: Coords,
  f: ComplexArray,
  isign: Sign,
  eps: number,
  ms: number,
  opts?: SimpleOptions,
): ComplexArray {
  return run(2, [ms], [x], f, isign, eps, opts);
}
export function nufft2d2(
  x: Coords,
  y: Coords,
  f: ComplexArray,
  isign: Sign,
  eps: number,
  ms: number,
  mt: number,
  opts?: SimpleOptions,
): ComplexArray {
  return run(2, [ms, mt], [x, y], f, isign, eps, opts);
}
export function nufft3d2(
  x: Coords,
  y: Coords,
  z: Coords,
  f: ComplexArray,
  isign: Sign,
  eps: number,
  ms: number,
  mt: number,
  mu: number,
  opts?: SimpleOptions,
): ComplexArray {
  return run(2, [ms, mt, mu], [x, y, z], f, isign, eps, opts);
}

/** f[k] = sum_j c[j] exp(isign i s_k x_j) at the target frequencies s. */
export function nufft1d3(
  x: Coords,
  c: ComplexArray,
  isign: Sign,
  eps: number,
  s: Coords,
  opts?: SimpleOptions,
): ComplexArray {
  return run(3, 1, [x, undefined, undefined, s], c, isign, eps, opts);
}
export function nufft2d3(
  x: Coords,
  y: Coords,
  c: ComplexArray,
  isign: Sign,
  eps: number,
  s: Coords,
  t: Coords,
  opts?: SimpleOptions,
): ComplexArray {
  return run(3, 2, [x, y, undefined, s, t], c, isign, eps, opts);
}
export function nufft3d3(
  x: Coords,
  y: Coords,
  z: Coords,
  c: ComplexArray,
  isign: Sign,
  eps: number,
  s: Coords,
  t: Coords,
  u: Coords,
  opts?: SimpleOptions,
): ComplexArray {
  return run(3, 3, [x, y, z, s, t, u], c, isign, eps, opts);
}
