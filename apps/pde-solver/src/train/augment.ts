/**
 * Data augmentation by the exact symmetries of the training problem (`train --augment`).
 *
 * A symmetry maps every solution of the PDE to another solution of the same PDE (same forcing,
 * same boundary conditions) and the data's initial-condition distribution to itself, so a
 * transformed pair (g x, g y) is as valid a training pair as (x, y). On the periodic grid every
 * group element below is an index permutation of the grid, possibly with a sign, so it is a
 * symmetry of the PDE and of its pseudo-spectral discretization alike (the 2/3 dealiasing box is
 * invariant under the same maps): solving from a moved field gives the moved solution up to the
 * order of round-off in the solver's FFTs (1e-16 relative after a time unit in the tests). One
 * exception: the FNO generator's Crank-Nicolson scheme ("fno-cn", the published FNO data) keeps
 * the Nyquist modes and treats the two axes' ones differently, so the mirror (which swaps the
 * axes) holds there to ~1e-6 after half a time unit; this app's data uses "ifrk4".
 *
 * Navier-Stokes, vorticity form, FNO forcing f = 0.1 (sin 2 pi (x + y) + cos 2 pi (x + y)) on the
 * unit torus (the forcing of `generate`'s datasets and of the published FNO data; data recorded
 * with another forcing is refused):
 *   - shifts along the anti-diagonal, (x, y) -> (x + t, y - t): x + y is unchanged, so is f;
 *   - the half-turn (x, y) -> (1/4 - x, -y): a rotation (vorticity is a scalar under rotations),
 *     and f(1/4 - s) = 0.1 (cos 2 pi s + sin 2 pi s) = f(s) with s = x + y;
 *   - the mirror w -> -w(y + 1/2, x): a reflection flips the sign of vorticity and of the forcing
 *     (w' = -w o g solves the equation with forcing -f o g), and -f(s + 1/2) = f(s).
 *   On an s x s grid they generate a group of 4 s elements when 4 divides s (2 s for other even
 *   s: shifts and the mirror; s shifts for odd s).
 * Burgers (periodic, unforced): every shift x -> x + t and the mirror u -> -u(-x) (u_t + u u_x
 *   = nu u_xx is invariant under x -> -x, u -> -u): 2 s elements.
 * Darcy has no augmentation here: its coefficient fields are not periodic and the solver's
 *   stencil is not checked for the square's symmetries.
 *
 * The maps act on normalized samples: with v = (w - m) / sigma, the transformed field
 * sign * w o g normalizes to sign * (v o g) + (sign - 1) m / sigma, which is what
 * `applySymmetries` writes. (The statistics stay those of the unaugmented data: the mirror's sign
 * moves the augmented mean towards 0, an affine change of the inputs the model absorbs.)
 */
import { Generator, ValueError } from "@modewise/tensor";
import { gatherRows } from "./batches.js";
import type { Problem } from "./data.js";

/** One group element: the sign and, for every output grid point, the grid point it reads. */
export interface SymmetryElement {
  sign: 1 | -1;
  source: Int32Array;
}

export interface SymmetryGroup {
  /** Number of elements (element 0 is the identity). */
  readonly size: number;
  element(index: number): SymmetryElement;
}

/** x -> M x + c (mod s) on grid indices, M a signed permutation matrix, with the field's sign. */
interface AffineMap {
  m: [number, number, number, number];
  c: [number, number];
  sign: 1 | -1;
}

/** (f o g)(x) = f(g(x)): first g, then f. */
function compose(f: AffineMap, g: AffineMap): AffineMap {
  const [a, b, c, d] = f.m;
  const [e, h, k, l] = g.m;
  return {
    m: [a * e + b * k, a * h + b * l, c * e + d * k, c * h + d * l],
    c: [a * g.c[0] + b * g.c[1] + f.c[0], c * g.c[0] + d * g.c[1] + f.c[1]],
    sign: (f.sign * g.sign) as 1 | -1,
  };
}

const mod = (v: number, s: number) => ((v % s) + s) % s;

function sourceTable(map: AffineMap, rows: number, cols: number): Int32Array {
  const [a, b, c, d] = map.m;
  const out = new Int32Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      out[i * cols + j] =
        mod(a * i + b * j + map.c[0], rows) * cols + mod(c * i + d * j + map.c[1], cols);
  return out;
}

/**
 * The group of the problem on its grid, or throws (naming the reason) when there is none.
 * `forcing` (Navier-Stokes): the dataset's, where known; undefined is taken as the FNO forcing
 * (files without the attribute, e.g. the published FNO data). Elements are built on request and
 * not kept: 4 s tables of s^2 indices would be 256 MiB at s = 256.
 */
export function symmetryGroup(
  problem: Problem,
  spatial: number[],
  forcing?: string,
): SymmetryGroup {
  const fn = "train";
  if (problem === "navier-stokes") {
    if (forcing !== undefined && forcing !== "fno")
      throw new ValueError(
        fn,
        "augment",
        "Navier-Stokes data with the FNO forcing (the group is that forcing's)",
        `forcing '${forcing}'`,
      );
    const [s, s2] = spatial as [number, number];
    if (spatial.length !== 2 || s !== s2)
      throw new ValueError(
        fn,
        "augment",
        "a square Navier-Stokes grid (the mirror swaps the axes)",
        `a ${spatial.join(" x ")} grid`,
      );
    // The linear parts the grid admits: the half-turn shifts by s / 4 and the mirror by s / 2
    // grid points, so an s x s grid has 4 s elements when 4 divides s, 2 s when only 2 does
    // (shifts and the mirror), s otherwise (shifts).
    // Element t + s k: the shift by t after linear part k (identity, half-turn, mirror,
    // half-turn after mirror; those the grid admits, in that order).
    const id: AffineMap = { m: [1, 0, 0, 1], c: [0, 0], sign: 1 };
    const turn: AffineMap = { m: [-1, 0, 0, -1], c: [s / 4, 0], sign: 1 };
    const mirror: AffineMap = { m: [0, 1, 1, 0], c: [s / 2, 0], sign: -1 };
    const parts =
      s % 4 === 0 ? [id, turn, mirror, compose(turn, mirror)] : s % 2 === 0 ? [id, mirror] : [id];
    return {
      size: parts.length * s,
      element(index) {
        const t = index % s;
        const shift: AffineMap = { m: [1, 0, 0, 1], c: [t, -t], sign: 1 };
        const g = compose(shift, parts[Math.floor(index / s)] as AffineMap);
        return { sign: g.sign, source: sourceTable(g, s, s) };
      },
    };
  }
  if (problem === "burgers") {
    const s = spatial[0] as number;
    return {
      size: 2 * s,
      element(index) {
        const t = index % s;
        const mirror = index >= s;
        const source = new Int32Array(s);
        for (let i = 0; i < s; i++) source[i] = mirror ? mod(t - i, s) : mod(i + t, s);
        return { sign: mirror ? -1 : 1, source };
      },
    };
  }
  throw new ValueError(
    fn,
    "augment",
    "a Navier-Stokes or Burgers dataset (Darcy has no exact grid symmetry implemented)",
    `a ${problem} dataset`,
  );
}

/**
 * The group elements applied to the samples of `epoch` (one per sample, by position in the
 * epoch's order): stream 2^32 + epoch of Generator(seed), disjoint from the shuffles' streams
 * (epoch + 1), so a resumed run draws the same elements.
 */
export function epochElements(n: number, size: number, seed: number, epoch: number): Uint32Array {
  const u = new Generator(seed, 2 ** 32 + epoch).uniforms(n, "float64");
  return Uint32Array.from(u, (v) => Math.min(size - 1, Math.floor(v * size)));
}

/**
 * In place: every sample of `data` ([b, channels, ...grid, inner], normalized with
 * mean / std = `offset`; inner = 1, or the time steps of a trajectory window) becomes its image
 * under element `elements[k]` (sample k).
 */
export function applySymmetries(
  group: SymmetryGroup,
  data: Float32Array,
  batch: number,
  elements: ArrayLike<number>,
  offset: number,
  inner = 1,
): void {
  const perSample = data.length / batch;
  let tmp = new Float32Array(0);
  for (let k = 0; k < batch; k++) {
    const { sign, source } = group.element(elements[k] as number);
    const block = source.length * inner;
    if (tmp.length !== block) tmp = new Float32Array(block);
    const shift = (sign - 1) * offset;
    for (let p = k * perSample; p < (k + 1) * perSample; p += block) {
      tmp.set(data.subarray(p, p + block));
      for (let i = 0; i < source.length; i++) {
        const from = (source[i] as number) * inner;
        for (let t = 0; t < inner; t++)
          data[p + i * inner + t] = sign * (tmp[from + t] as number) + shift;
      }
    }
  }
}

/**
 * The training batch of samples `indices` of normalized pairs (xs, ys), each pair moved by its
 * element (`elements[k]` for sample k): x with the input's normalization, y with the target's
 * (the increment's when the model predicts it; the increment transforms like the field, the
 * maps being linear). `plane` = grid points per field; trailing axes after the grid (a
 * trajectory window's time) move with their grid point.
 */
export function augmentedBatch(
  group: SymmetryGroup,
  pairs: {
    xs: Float32Array;
    ys: Float32Array;
    xShape: number[];
    yShape: number[];
    plane: number;
    xNorm: { mean: number; std: number };
    yNorm: { mean: number; std: number };
  },
  indices: ArrayLike<number>,
  elements: ArrayLike<number>,
): { x: Float32Array; y: Float32Array } {
  const one = (data: Float32Array, shape: number[], norm: { mean: number; std: number }) => {
    const out = gatherRows(data, shape, indices);
    // shape = [channels, ...grid, trailing]: the trailing axes are `inner`
    const inner = shape.slice(1).reduce((a, b) => a * b, 1) / pairs.plane;
    applySymmetries(group, out, indices.length, elements, norm.mean / norm.std, inner);
    return out;
  };
  return {
    x: one(pairs.xs, pairs.xShape, pairs.xNorm),
    y: one(pairs.ys, pairs.yShape, pairs.yNorm),
  };
}
