/**
 * DCT and DST types I-IV through FFTs, O(n log n) for every length, with scipy.fft's definitions.
 *
 * Unnormalized transforms (scipy's norm="backward"), N = length, k = 0..N-1:
 *   DCT-I   y_k = x_0 + (-1)^k x_{N-1} + 2 sum_{n=1}^{N-2} x_n cos(pi k n / (N-1))        (N >= 2)
 *   DCT-II  y_k = 2 sum_{n=0}^{N-1} x_n cos(pi k (2n+1) / (2N))
 *   DCT-III y_k = x_0 + 2 sum_{n=1}^{N-1} x_n cos(pi (2k+1) n / (2N))
 *   DCT-IV  y_k = 2 sum_{n=0}^{N-1} x_n cos(pi (2k+1)(2n+1) / (4N))
 *   DST-I   y_k = 2 sum_{n=0}^{N-1} x_n sin(pi (k+1)(n+1) / (N+1))
 *   DST-II  y_k = 2 sum_{n=0}^{N-1} x_n sin(pi (k+1)(2n+1) / (2N))
 *   DST-III y_k = (-1)^k x_{N-1} + 2 sum_{n=0}^{N-2} x_n sin(pi (2k+1)(n+1) / (2N))
 *   DST-IV  y_k = 2 sum_{n=0}^{N-1} x_n sin(pi (2k+1)(2n+1) / (4N))
 *
 * Algorithms (each verified against the O(N^2) sums in test/r2r.test.ts):
 *   DCT-II: Makhoul's permutation v = (x_0, x_2, ..., x_3, x_1), V = rfft_N(v),
 *           y_k = 2 Re(exp(-i pi k / 2N) V_k)  (V_{N-k} = conj V_k gives the upper half).
 *   DCT-III: its inverse read backwards: V_k = exp(i pi k / 2N) (x_k - i x_{N-k}) is Hermitian,
 *           v = irfft_N(V) unnormalized, y_{2j} = v_j, y_{2j+1} = v_{N-1-j}.
 *   DCT-IV: even N, a complex FFT of N/2: z_j = (x_{2j} + i x_{N-1-2j}) exp(-i pi (4j+1) / 4N),
 *           U_k = exp(-i pi k / N) FFT_{N/2}(z)_k, y_{2k} = 2 Re U_k, y_{N-1-2k} = -2 Im U_k;
 *           odd N, a zero-padded complex FFT of 2N of x_n exp(-i pi n / 2N), then
 *           y_k = 2 Re(exp(-i pi (2k+1) / 4N) Z_k).
 *   DCT-I:  rfft of the even extension (x_0..x_{N-1}, x_{N-2}..x_1), length 2(N-1): y_k = Re X_k.
 *   DST-I:  rfft of the odd extension (0, x, 0, -reverse x), length 2(N+1): y_k = -Im X_{k+1}.
 *   DST-II  = reverse(DCT-II((-1)^n x_n));  DST-III_k = (-1)^k DCT-III(reverse x)_k;
 *   DST-IV_k = (-1)^k DCT-IV(reverse x)_k.
 *
 * Every normalization is expressed as y = scale * post . D(pre . x) with D one of the eight
 * unnormalized transforms and pre/post diagonal factors that differ from 1 only at the first and
 * last element: scipy's "ortho" orthogonalization (e.g. DCT-II divides y_0 by sqrt 2) is such a
 * factor, the inverse of a transform is again of this form (D_t^{-1} = D_{t'} / (2N), 2(N-1) for
 * DCT-I, 2(N+1) for DST-I), and so is its transpose (the tensor gradients), from
 *   D1^T = diag(1/2 at ends) D1 diag(2 at ends),  D2^T = D3 diag(2 at first),
 *   D3^T = diag(1/2 at first) D2,  S2^T = S3 diag(2 at last),  S3^T = diag(1/2 at last) S2,
 * and D4, S1, S4 symmetric.
 */
import { allocate } from "./layout.js";
import { cachedKernel, type LineKernel } from "./lines.js";
import { complexPlan } from "./plan.js";
import type { ComplexPlan, Floats, RealPlan } from "./plan-types.js";
import { realPlan } from "./real.js";
import type { DType, Norm } from "./types.js";

export type R2RKind = "dct" | "dst";
export type R2RType = 1 | 2 | 3 | 4;

/** y = scale * post . D_type(pre . x); pre/post as [first element factor, last element factor]. */
export interface R2RSpec {
  kind: R2RKind;
  type: R2RType;
  scale: number;
  pre: [number, number];
  post: [number, number];
}

export class R2R implements LineKernel {
  readonly inComplex = false;
  readonly outComplex = false;
  readonly input: Floats;
  readonly output: Floats;
  readonly inLen: number;
  readonly outLen: number;
  /** Real scratch (length of the rfft used), complex scratch (interleaved) and twiddles. */
  private readonly real: Floats;
  private readonly cplx: Floats;
  private readonly tw: Float64Array;
  private readonly tw2: Float64Array;
  /** The engine plan the algorithm uses (real of 2(N-1), 2(N+1) or N; complex of N/2 or 2N). */
  private readonly rplan: RealPlan | null = null;
  private readonly cplan: ComplexPlan | null = null;

  constructor(
    readonly kind: R2RKind,
    readonly type: R2RType,
    readonly n: number,
    readonly dtype: DType,
  ) {
    const N = n;
    this.inLen = this.outLen = N;
    this.input = allocate(dtype, N);
    this.output = allocate(dtype, N);
    let realLen = 0;
    let cplxLen = 0;
    this.tw = new Float64Array(0);
    this.tw2 = new Float64Array(0);
    if (type === 1) {
      const m = kind === "dct" ? 2 * (N - 1) : 2 * (N + 1);
      realLen = m;
      cplxLen = (m >> 1) + 1;
      this.rplan = realPlan(m, dtype);
    } else if (type === 2 || type === 3) {
      realLen = N;
      cplxLen = (N >> 1) + 1;
      this.rplan = realPlan(N, dtype);
      // exp(-+ i pi k / 2N), k = 0..N/2: angles in [0, pi/4]
      this.tw = new Float64Array(2 * cplxLen);
      for (let k = 0; k < cplxLen; k++) {
        const a = (Math.PI * k) / (2 * N);
        this.tw[2 * k] = Math.cos(a);
        this.tw[2 * k + 1] = Math.sin(a);
      }
    } else if (N % 2 === 0) {
      const M = N / 2;
      cplxLen = M;
      this.cplan = complexPlan(M, dtype);
      this.tw = new Float64Array(2 * M); // exp(-i pi (4j+1) / 4N)
      this.tw2 = new Float64Array(2 * M); // exp(-i pi k / N)
      for (let j = 0; j < M; j++) {
        const a = (Math.PI * (4 * j + 1)) / (4 * N);
        this.tw[2 * j] = Math.cos(a);
        this.tw[2 * j + 1] = Math.sin(a);
        const b = (Math.PI * j) / N;
        this.tw2[2 * j] = Math.cos(b);
        this.tw2[2 * j + 1] = Math.sin(b);
      }
    } else {
      cplxLen = 2 * N;
      this.cplan = complexPlan(2 * N, dtype);
      this.tw = new Float64Array(2 * N); // exp(-i pi n / 2N)
      this.tw2 = new Float64Array(2 * N); // exp(-i pi (2k+1) / 4N)
      for (let j = 0; j < N; j++) {
        const a = (Math.PI * j) / (2 * N);
        this.tw[2 * j] = Math.cos(a);
        this.tw[2 * j + 1] = Math.sin(a);
        const b = (Math.PI * (2 * j + 1)) / (4 * N);
        this.tw2[2 * j] = Math.cos(b);
        this.tw2[2 * j + 1] = Math.sin(b);
      }
    }
    this.real = allocate(dtype, realLen);
    this.cplx = allocate(dtype, 2 * cplxLen);
  }

  /** Transform `input` into `output`: y = scale * post . D(pre . x). `input` is clobbered. */
  run(spec: R2RSpec): void {
    const N = this.n;
    const x = this.input;
    const y = this.output;
    x[0] *= spec.pre[0];
    x[N - 1] *= spec.pre[1];
    if (this.kind === "dct") {
      if (this.type === 1) this.dct1(x, y);
      else if (this.type === 2) this.dct2(x, y);
      else if (this.type === 3) this.dct3(x, y);
      else this.dct4(x, y);
    } else if (this.type === 1) {
      this.dst1(x, y);
    } else if (this.type === 2) {
      for (let j = 1; j < N; j += 2) x[j] = -x[j];
      this.dct2(x, y);
      y.reverse();
    } else {
      x.reverse();
      if (this.type === 3) this.dct3(x, y);
      else this.dct4(x, y);
      for (let k = 1; k < N; k += 2) y[k] = -y[k];
    }
    const s = spec.scale;
    if (s !== 1) for (let k = 0; k < N; k++) y[k] *= s;
    y[0] *= spec.post[0];
    y[N - 1] *= spec.post[1];
  }

  private dct1(x: Floats, y: Floats): void {
    const N = this.n;
    const m = 2 * (N - 1);
    const e = this.real;
    for (let j = 0; j < N; j++) e[j] = x[j];
    for (let j = 1; j < N - 1; j++) e[m - j] = x[j];
    const X = this.cplx;
    this.rplan!.forward(e, 0, 1, X, 0, 1, 1);
    for (let k = 0; k < N; k++) y[k] = X[2 * k];
  }

  private dst1(x: Floats, y: Floats): void {
    const N = this.n;
    const m = 2 * (N + 1);
    const e = this.real;
    e[0] = 0;
    e[N + 1] = 0;
    for (let j = 0; j < N; j++) {
      e[j + 1] = x[j];
      e[m - 1 - j] = -x[j];
    }
    const X = this.cplx;
    this.rplan!.forward(e, 0, 1, X, 0, 1, 1);
    for (let k = 0; k < N; k++) y[k] = -X[2 * (k + 1) + 1];
  }

  private dct2(x: Floats, y: Floats): void {
    const N = this.n;
    const v = this.real;
    for (let j = 0; 2 * j < N; j++) v[j] = x[2 * j];
    for (let j = 0; 2 * j + 1 < N; j++) v[N - 1 - j] = x[2 * j + 1];
    const V = this.cplx;
    this.rplan!.forward(v, 0, 1, V, 0, 1, 1);
    const tw = this.tw;
    y[0] = 2 * V[0];
    for (let k = 1; 2 * k <= N; k++) {
      const c = tw[2 * k];
      const s = tw[2 * k + 1];
      const re = V[2 * k];
      const im = V[2 * k + 1];
      y[k] = 2 * (c * re + s * im);
      if (N - k > k) y[N - k] = 2 * (s * re - c * im);
    }
  }

  private dct3(x: Floats, y: Floats): void {
    const N = this.n;
    const V = this.cplx;
    const tw = this.tw;
    V[0] = x[0];
    V[1] = 0;
    for (let k = 1; 2 * k <= N; k++) {
      const c = tw[2 * k];
      const s = tw[2 * k + 1];
      const a = x[k];
      const b = x[N - k];
      V[2 * k] = c * a + s * b;
      V[2 * k + 1] = s * a - c * b;
    }
    const v = this.real;
    this.rplan!.backward(V, 0, 1, v, 0, 1, 1);
    for (let j = 0; 2 * j < N; j++) y[2 * j] = v[j];
    for (let j = 0; 2 * j + 1 < N; j++) y[2 * j + 1] = v[N - 1 - j];
  }

  private dct4(x: Floats, y: Floats): void {
    const N = this.n;
    const z = this.cplx;
    const tw = this.tw;
    const tw2 = this.tw2;
    if (N % 2 === 0) {
      const M = N / 2;
      for (let j = 0; j < M; j++) {
        const a = x[2 * j];
        const b = x[N - 1 - 2 * j];
        const c = tw[2 * j];
        const s = tw[2 * j + 1];
        // (a + ib)(c - is)
        z[2 * j] = a * c + b * s;
        z[2 * j + 1] = b * c - a * s;
      }
      this.cplan!.execute(z, 0, 1, z, 0, 1, -1, 1);
      for (let k = 0; k < M; k++) {
        const c = tw2[2 * k];
        const s = tw2[2 * k + 1];
        const re = z[2 * k];
        const im = z[2 * k + 1];
        y[2 * k] = 2 * (re * c + im * s);
        y[N - 1 - 2 * k] = -2 * (im * c - re * s);
      }
    } else {
      for (let j = 0; j < N; j++) {
        z[2 * j] = x[j] * tw[2 * j];
        z[2 * j + 1] = -x[j] * tw[2 * j + 1];
      }
      z.fill(0, 2 * N, 4 * N);
      this.cplan!.execute(z, 0, 1, z, 0, 1, -1, 1);
      for (let k = 0; k < N; k++) {
        y[k] = 2 * (z[2 * k] * tw2[2 * k] + z[2 * k + 1] * tw2[2 * k + 1]);
      }
    }
  }
}

export function r2rKernel(kind: R2RKind, type: R2RType, n: number, dtype: DType): R2R {
  return cachedKernel(`${kind}${type}`, n, dtype, () => new R2R(kind, type, n, dtype));
}

// ---- normalization algebra ------------------------------------------------------------------

const SQRT2 = Math.SQRT2;

/** The normalization length g: D_t^{-1} = D_{inverse t} / g. */
function period(kind: R2RKind, type: R2RType, n: number): number {
  if (type === 1) return kind === "dct" ? 2 * (n - 1) : 2 * (n + 1);
  return 2 * n;
}

/** scipy's orthogonalizing endpoint factors (applied when orthogonalize is true). */
function orthFactors(
  kind: R2RKind,
  type: R2RType,
): { pre: [number, number]; post: [number, number] } {
  const one: [number, number] = [1, 1];
  if (kind === "dct") {
    if (type === 1) return { pre: [SQRT2, SQRT2], post: [1 / SQRT2, 1 / SQRT2] };
    if (type === 2) return { pre: one, post: [1 / SQRT2, 1] };
    if (type === 3) return { pre: [SQRT2, 1], post: one };
    return { pre: one, post: one };
  }
  if (type === 2) return { pre: one, post: [1, 1 / SQRT2] };
  if (type === 3) return { pre: [1, SQRT2], post: one };
  return { pre: one, post: one };
}

export const INVERSE_TYPE: Record<R2RType, R2RType> = { 1: 1, 2: 3, 3: 2, 4: 4 };

/** scipy.fft.dct / dst (type, norm, orthogonalize) at length n as an R2RSpec. */
export function forwardSpec(
  kind: R2RKind,
  type: R2RType,
  n: number,
  norm: Norm,
  orthogonalize: boolean,
): R2RSpec {
  const g = period(kind, type, n);
  const scale = norm === "backward" ? 1 : norm === "ortho" ? 1 / Math.sqrt(g) : 1 / g;
  const f = orthogonalize
    ? orthFactors(kind, type)
    : { pre: [1, 1] as [number, number], post: [1, 1] as [number, number] };
  return { kind, type, scale, pre: f.pre, post: f.post };
}

/** The exact inverse of a spec: (1/s) diag(1/pre) D^{-1} diag(1/post), D^{-1} = D_{t'} / g. */
export function inverseSpec(spec: R2RSpec, n: number): R2RSpec {
  const g = period(spec.kind, spec.type, n);
  return {
    kind: spec.kind,
    type: INVERSE_TYPE[spec.type],
    scale: 1 / (spec.scale * g),
    pre: [1 / spec.post[0], 1 / spec.post[1]],
    post: [1 / spec.pre[0], 1 / spec.pre[1]],
  };
}

/** The transpose (adjoint) of a spec: s diag(pre) D^T diag(post), D^T from the table above. */
export function transposeSpec(spec: R2RSpec): R2RSpec {
  // D^T = diag(p) D_{t'} diag(q)
  let p: [number, number] = [1, 1];
  let q: [number, number] = [1, 1];
  const t = spec.type;
  if (spec.kind === "dct") {
    if (t === 1) {
      p = [0.5, 0.5];
      q = [2, 2];
    } else if (t === 2) {
      q = [2, 1];
    } else if (t === 3) {
      p = [0.5, 1];
    }
  } else if (t === 2) {
    q = [1, 2];
  } else if (t === 3) {
    p = [1, 0.5];
  }
  return {
    kind: spec.kind,
    type: INVERSE_TYPE[t],
    scale: spec.scale,
    pre: [q[0] * spec.post[0], q[1] * spec.post[1]],
    post: [spec.pre[0] * p[0], spec.pre[1] * p[1]],
  };
}
