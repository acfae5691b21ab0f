/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) with PyTorch's exact update,
 * including bias correction, amsgrad and maximize. Complex parameters are updated as pairs of
 * reals (torch.view_as_real), so the second moment is per component, exactly as PyTorch.
 */
import {
  add,
  allocOutput,
  type Backend,
  borrowSync,
  div,
  maximum,
  mul,
  neg,
  registerKernel,
  runKernel,
  sqrt,
  sub,
  type Tensor,
  type TensorInfo,
  ValueError,
} from "@modewise/tensor";
import { show } from "../util.js";
import { adamOperands } from "./adam-wasm.js";
import {
  Optimizer,
  type ParamGroup,
  type ParamsInput,
  requireNonNegative,
  type UpdateResult,
} from "./optimizer.js";

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** true: AdamW's decoupled decay p <- p (1 - lr wd); false: L2 added to the gradient. */
  decoupledWeightDecay: boolean;
}

/** torch.lerp(start, end, w) as the CPU kernel computes it. */
function lerp(start: Tensor, end: Tensor, w: number): Tensor {
  return Math.abs(w) < 0.5
    ? add(start, mul(sub(end, start), w))
    : sub(end, mul(sub(end, start), 1 - w));
}

/** lerp(0, end, w): the first update of a zero-initialized moment, rounded as torch's lerp. */
function lerpFromZero(end: Tensor, w: number): Tensor {
  return Math.abs(w) < 0.5 ? mul(end, w) : sub(end, mul(end, 1 - w));
}

/** The real dtype whose elements a parameter's storage holds (complex: interleaved re, im). */
function storageDType(d: string): "float32" | "float64" | null {
  if (d === "float32" || d === "complex64") return "float32";
  if (d === "float64" || d === "complex128") return "float64";
  return null;
}

type Floats = Float32Array | Float64Array;

/** What the moment kernels need: d = sign grad + l2 p, then m = b m + c d (or v = b v + c d^2). */
interface MomentAttrs {
  beta: number;
  sign: number;
  l2: number;
  /** A previous moment is the third input (absent on the first step: it is zero). */
  hasPrevious: boolean;
  shape: number[];
  dtype: "float32" | "float64";
}

interface StepAttrs {
  decay: number;
  stepSize: number;
  biasCorrection2Sqrt: number;
  eps: number;
}

const FIRST_MOMENT = "AdamFirstMoment";
const SECOND_MOMENT = "AdamSecondMoment";
const RUNNING_MAX = "AdamRunningMax";
const PARAMETER_STEP = "AdamParameterStep";

let registered = false;
/**
 * The CPU kernels of the fused update: each one pass over the elements, reading its inputs in
 * place (borrowSync) and writing an output recycled from the backend's pool (allocOutput), so
 * a step allocates no fresh arrays and copies nothing. Every quantity is computed in float64
 * and rounded once when stored; the step reads the stored (rounded) moments back, as the next
 * step will see them. No gradients: optimizer updates run under noGrad.
 */
/** A moment kernel's operands: parameter x, gradient d, previous moment (if any), output. */
function momentOperands(inputs: readonly TensorInfo[], a: MomentAttrs, backend: Backend) {
  return {
    x: borrowSync(inputs[0] as TensorInfo, backend) as Floats,
    d: borrowSync(inputs[1] as TensorInfo, backend) as Floats,
    prev: a.hasPrevious ? (borrowSync(inputs[2] as TensorInfo, backend) as Floats) : null,
    out: allocOutput(a.shape, a.dtype, backend, false),
  };
}

function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  registerKernel<MomentAttrs>(FIRST_MOMENT, "cpu", (inputs, a, backend) => {
    const { x, d, prev, out } = momentOperands(inputs, a, backend);
    const m = out.values as Floats;
    const { beta, sign, l2 } = a;
    const c = 1 - beta;
    const w = adamOperands([x, d, prev, m]);
    if (w !== null) {
      w.k.first(
        w.at[0],
        w.at[1],
        w.at[2],
        w.at[3],
        m.length,
        prev === null ? 0 : 1,
        beta,
        c,
        sign,
        l2,
      );
      return out.finish();
    }
    if (prev === null) for (let j = 0; j < m.length; j++) m[j] = c * (sign * d[j] + l2 * x[j]);
    else for (let j = 0; j < m.length; j++) m[j] = beta * prev[j] + c * (sign * d[j] + l2 * x[j]);
    return out.finish();
  });
  registerKernel<MomentAttrs>(SECOND_MOMENT, "cpu", (inputs, a, backend) => {
    const { x, d, prev, out } = momentOperands(inputs, a, backend);
    const v = out.values as Floats;
    const { beta, sign, l2 } = a;
    const c = 1 - beta;
    const w = adamOperands([x, d, prev, v]);
    if (w !== null) {
      w.k.second(
        w.at[0],
        w.at[1],
        w.at[2],
        w.at[3],
        v.length,
        prev === null ? 0 : 1,
        beta,
        c,
        sign,
        l2,
      );
      return out.finish();
    }
    for (let j = 0; j < v.length; j++) {
      const dj = sign * d[j] + l2 * x[j];
      v[j] = (prev === null ? 0 : beta * prev[j]) + c * dj * dj;
    }
    return out.finish();
  });
  // amsgrad: max(vmax, v); torch starts the running maximum from zeros (vmax absent: max(0, v)).
  registerKernel<Record<string, never>>(RUNNING_MAX, "cpu", (inputs, _a, backend) => {
    const a = borrowSync(inputs[0], backend) as Floats;
    const b = inputs.length > 1 ? (borrowSync(inputs[1], backend) as Floats) : null;
    const out = allocOutput(inputs[0].shape, inputs[0].dtype, backend, false);
    const r = out.values as Floats;
    for (let j = 0; j < r.length; j++) r[j] = Math.max(b === null ? 0 : b[j], a[j]);
    return out.finish();
  });
  registerKernel<StepAttrs>(PARAMETER_STEP, "cpu", ([p, m, second], a, backend) => {
    const x = borrowSync(p, backend) as Floats;
    const mv = borrowSync(m, backend) as Floats;
    const sv = borrowSync(second, backend) as Floats;
    const out = allocOutput(p.shape, p.dtype, backend, false);
    const y = out.values as Floats;
    const { decay, stepSize, biasCorrection2Sqrt, eps } = a;
    const w = adamOperands([x, mv, sv, y]);
    if (w !== null) {
      w.k.step(
        w.at[0],
        w.at[1],
        w.at[2],
        w.at[3],
        y.length,
        decay,
        stepSize,
        biasCorrection2Sqrt,
        eps,
      );
      return out.finish();
    }
    for (let j = 0; j < y.length; j++)
      y[j] = x[j] * decay - (stepSize * mv[j]) / (Math.sqrt(sv[j]) / biasCorrection2Sqrt + eps);
    return out.finish();
  });
}

/**
 * The update below as a few passes over the elements (the kernels above), for float32 /
 * float64 / complex64 / complex128 tensors on the CPU backend (null elsewhere: the op-by-op form
 * runs). A complex parameter's interleaved storage is exactly its torch.view_as_real
 * [...shape, 2] in row-major order, so the kernels run on it as is: the state tensors are
 * [...shape, 2] reals, the parameter stays complex. Four short kernels instead of ~12
 * element-wise ops (each a pass over memory and a fresh tensor) make Adam a small part of a
 * training step. Every quantity is computed in float64 and rounded once to the dtype when stored
 * (m, v, the parameter), so float32 results can differ from the op-by-op form in the last bit
 * (they are at least as accurate); float64 ones match it to rounding.
 */
function fusedCpuUpdate(
  p: Tensor,
  grad: Tensor,
  state: Readonly<Record<string, Tensor>>,
  g: ParamGroup<AdamOptions>,
  step: number,
): UpdateResult | null {
  const real = storageDType(p.dtype);
  if (
    real === null ||
    p.device !== "cpu" ||
    grad.device !== "cpu" ||
    grad.dtype !== p.dtype ||
    Object.values(state).some((t) => t.device !== "cpu" || t.dtype !== real)
  )
    return null;
  ensureRegistered();
  const [beta1, beta2] = g.betas;
  const wd = g.weightDecay;
  const shape = real === p.dtype ? (p.shape as number[]) : [...p.shape, 2];
  const moment = (beta: number, previous: Tensor | undefined) => ({
    attrs: {
      beta,
      sign: g.maximize ? -1 : 1,
      l2: g.decoupledWeightDecay ? 0 : wd,
      hasPrevious: previous !== undefined,
      shape,
      dtype: real,
    } satisfies MomentAttrs,
    inputs: previous === undefined ? [p, grad] : [p, grad, previous],
  });
  const first = moment(beta1, state.expAvg);
  const m = runKernel<MomentAttrs>(FIRST_MOMENT, first.inputs, first.attrs, "Adam.step");
  const second = moment(beta2, state.expAvgSq);
  const v = runKernel<MomentAttrs>(SECOND_MOMENT, second.inputs, second.attrs, "Adam.step");
  const out: Record<string, Tensor> = { expAvg: m, expAvgSq: v };
  let denominator = v;
  if (g.amsgrad) {
    const previousMax = state.maxExpAvgSq === undefined ? [] : [state.maxExpAvgSq];
    denominator = runKernel(RUNNING_MAX, [v, ...previousMax], {}, "Adam.step");
    out.maxExpAvgSq = denominator;
  }
  const param = runKernel<StepAttrs>(
    PARAMETER_STEP,
    [p, m, denominator],
    {
      decay: g.decoupledWeightDecay ? 1 - g.lr * wd : 1,
      stepSize: g.lr / (1 - beta1 ** step),
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
      eps: g.eps,
    },
    "Adam.step",
  );
  return { param, state: out };
}

/**
 * torch.optim.Adam (single-tensor path). With t the step, m, v the moments:
 *   g <- g + wd p            (or p <- p (1 - lr wd) when decoupled)
 *   m <- lerp(m, g, 1 - b1);  v <- b2 v + (1 - b2) g^2
 *   vmax <- max(vmax, v)      (amsgrad; then v := vmax below)
 *   p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
export class Adam extends Optimizer<AdamOptions> {
  protected override readonly complexAsReal = true;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      decoupledWeightDecay: false,
      ...opts,
    });
  }

  protected override stateKeys(g: ParamGroup<AdamOptions>): readonly string[] {
    return g.amsgrad ? ["expAvg", "expAvgSq", "maxExpAvgSq"] : ["expAvg", "expAvgSq"];
  }

  protected validate(g: ParamGroup<AdamOptions>): void {
    const fn = this.constructor.name;
    requireNonNegative(fn, "lr", g.lr);
    requireNonNegative(fn, "eps", g.eps);
    requireNonNegative(fn, "weightDecay", g.weightDecay);
    if (
      !Array.isArray(g.betas) ||
      g.betas.length !== 2 ||
      g.betas.some((b) => !(b >= 0 && b < 1))
    ) {
      throw new ValueError(fn, "betas", "two numbers in [0, 1)", show(g.betas));
    }
  }

  protected override updateDirect(
    p: Tensor,
    grad: Tensor,
    state: Readonly<Record<string, Tensor>>,
    g: ParamGroup<AdamOptions>,
    step: number,
  ): UpdateResult | null {
    return fusedCpuUpdate(p, grad, state, g, step);
  }

  protected update(
    p: Tensor,
    grad: Tensor,
    state: Readonly<Record<string, Tensor>>,
    g: ParamGroup<AdamOptions>,
    step: number,
  ): UpdateResult {
    const fused = fusedCpuUpdate(p, grad, state, g, step);
    if (fused !== null) return fused;
    const [beta1, beta2] = g.betas;
    let d = g.maximize ? neg(grad) : grad;
    let param = p;
    if (g.weightDecay !== 0) {
      if (g.decoupledWeightDecay) param = mul(param, 1 - g.lr * g.weightDecay);
      else d = add(d, mul(param, g.weightDecay));
    }
    const m =
      state.expAvg === undefined ? lerpFromZero(d, 1 - beta1) : lerp(state.expAvg, d, 1 - beta1);
    const v =
      state.expAvgSq === undefined
        ? mul(mul(d, 1 - beta2), d)
        : add(mul(state.expAvgSq, beta2), mul(mul(d, 1 - beta2), d));
    const out: Record<string, Tensor> = { expAvg: m, expAvgSq: v };
    let second = v;
    if (g.amsgrad) {
      // torch starts the running maximum from zeros: max(0, v) = v, in its own storage.
      second = maximum(state.maxExpAvgSq ?? 0, v);
      out.maxExpAvgSq = second;
    }
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = g.lr / biasCorrection1;
    const denom = add(div(sqrt(second), biasCorrection2Sqrt), g.eps);
    return { param: add(param, div(mul(m, -stepSize), denom)), state: out };
  }
}

/** torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2). */
export class AdamW extends Adam {
  constructor(
    params: ParamsInput<AdamOptions>,
    opts: Partial<Omit<AdamOptions, "decoupledWeightDecay">> = {},
  ) {
    super(params, { weightDecay: 1e-2, ...opts, decoupledWeightDecay: true });
  }
}
