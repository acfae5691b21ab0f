/**
 * Data augmentation by the exact symmetries of the training problem (`train --augment`).
 *
 * A symmetry maps every solution of the PDE to another solution of the same PDE (same forcing,
 * same boundary conditions) and the data's initial-condition distribution to itself, so a
 * transformed pair (g x, g y) is as valid a training pair as (x, y). On the periodic grid every
 * group element below is an index permutation of the grid, possibly with a sign, so it is exact
 * to the last bit, for the PDE and for its pseudo-spectral discretization alike (the 2/3
 * dealiasing box is invariant under the same maps).
 *
 * Navier-Stokes, vorticity form, FNO forcing f = 0.1 (sin 2 pi (x + y) + cos 2 pi (x + y)) on the
 * unit torus (the forcing of `generate`'s datasets and of the published FNO data; data recorded
 * with another forcing is refused):
 *   - shifts along the anti-diagonal, (x, y) -> (x + t, y - t): x + y is unchanged, so is f;
 *   - the half-turn (x, y) -> (1/4 - x, -y): a rotation (vorticity is a scalar under rotations),
 *     and f(1/4 - s) = 0.1 (cos 2 pi s + sin 2 pi s) = f(s) with s = x + y;
 *   - the mirror w -> -w(y + 1/2, x): a reflection flips the sign of vorticity and of the forcing
 *     (w' = -w o g solves the equation with forcing -f o g), and -f(s + 1/2) = f(s).
 *   On an s x s grid (s divisible by 4) they generate a group of 4 s elements.
 * Burgers (periodic, unforced): every shift x -> x + t and the mirror u -> -u(-x) (u_t + u u_x
 *   = nu u_xx is invariant under x -> -x, u -> -u): 2 s elements.
 * Darcy has no augmentation here: its coefficient fields are not periodic and the solver's
 *   stencil is not checked for the square's symmetries.
 *
 * The maps act on normalized samples: with v = (w - m) / sigma, the transformed field
 * sign * w o g normalizes to sign * (v o g) + (sign - 1) m / sigma, which is what `apply` writes.
 */
import { Generator, ValueError } from "@modewise/tensor";
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
 * (files without the attribute, e.g. the published FNO data).
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
    if (spatial.length !== 2 || s !== s2 || s % 4 !== 0)
      throw new ValueError(
        fn,
        "augment",
        "a square Navier-Stokes grid with a side divisible by 4 (the half-turn shifts by 1/4)",
        `a ${spatial.join(" x ")} grid`,
      );
    const cache = new Map<number, SymmetryElement>();
    return {
      size: 4 * s,
      element(index) {
        const hit = cache.get(index);
        if (hit) return hit;
        const t = index % s;
        const turn = Math.floor(index / s) % 2 === 1;
        const mirror = Math.floor(index / (2 * s)) === 1;
        let g: AffineMap = { m: [1, 0, 0, 1], c: [t, -t], sign: 1 };
        if (turn) g = compose(g, { m: [-1, 0, 0, -1], c: [s / 4, 0], sign: 1 });
        if (mirror) g = compose(g, { m: [0, 1, 1, 0], c: [s / 2, 0], sign: -1 });
        const e = { sign: g.sign, source: sourceTable(g, s, s) };
        cache.set(index, e);
        return e;
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
  const block = group.element(0).source.length * inner;
  const perSample = data.length / batch;
  const tmp = new Float32Array(block);
  for (let k = 0; k < batch; k++) {
    const { sign, source } = group.element(elements[k] as number);
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
