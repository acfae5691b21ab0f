/**
 * Shared test utilities for the T1, AFNO and DRIFT-Net tests: a parameter-by-parameter f64
 * gradient check (the tensor package's finite-difference checker, imported, applied through
 * functionalCall), a small smooth regression task and the sanity-training loop.
 */
import { AdamW, type AnyModule, functionalCall, gradientsOfParameters } from "@modewise/nn";
import { Generator, memory, type Tensor, tensor, tidy } from "@modewise/tensor";
import { checkGrad } from "../../tensor/test/helpers.js";

export { checkGrad, expectClose } from "../../tensor/test/helpers.js";

/**
 * Finite-difference check of d forward(x) / d theta for every parameter theta of `model`
 * (float64), and of d forward(x) / d x. `skip` names parameters to leave out.
 */
export function checkModelGradients(
  model: AnyModule & { forward(x: Tensor): Tensor },
  x: Tensor,
  opts: { rtol?: number; skip?: string[]; forward?: (x: Tensor) => Tensor } = {},
): string[] {
  const forward = opts.forward ?? ((xi: Tensor): Tensor => model.forward(xi) as Tensor);
  const checked: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (opts.skip?.includes(name)) continue;
    checkGrad((w) => functionalCall(model, { [name]: w }, () => forward(x)), [p.value], {
      rtol: opts.rtol,
    });
    checked.push(name);
  }
  checkGrad(forward, [x], { rtol: opts.rtol });
  return checked;
}

/**
 * n smooth periodic fields on an s x s grid, u = sum of a few random Fourier modes (|k| <= 2),
 * and the target of a fixed nonlinear smooth operator, y(x) = u(x + shift) + 0.5 u(x)^2
 * computed in closed form from the same modes (the shift is a quarter period in x1).
 */
export function smoothTask(
  n: number,
  s: number,
  seed: number,
  dtype: "float32" | "float64" = "float32",
): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const g = new Generator(seed);
    const coef = g.normal([n, 3, 3, 2], { dtype: "float64" }).dataSync();
    const xs = new Float64Array(n * s * s);
    const ys = new Float64Array(n * s * s);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < s; i++) {
        for (let j = 0; j < s; j++) {
          let u = 0;
          let us = 0;
          for (let k1 = 0; k1 < 3; k1++) {
            for (let k2 = 0; k2 < 3; k2++) {
              const c = coef[((b * 3 + k1) * 3 + k2) * 2];
              const d = coef[((b * 3 + k1) * 3 + k2) * 2 + 1];
              const ph = (2 * Math.PI * (k1 * i + k2 * j)) / s;
              const phs = ph + 2 * Math.PI * k1 * 0.25;
              u += (c * Math.cos(ph) + d * Math.sin(ph)) / (1 + k1 + k2);
              us += (c * Math.cos(phs) + d * Math.sin(phs)) / (1 + k1 + k2);
            }
          }
          xs[(b * s + i) * s + j] = u;
          ys[(b * s + i) * s + j] = us + 0.5 * u * u;
        }
      }
    }
    const shape = [n, 1, s, s];
    return {
      x: tensor(dtype === "float32" ? Float32Array.from(xs) : xs, { dtype, shape }),
      y: tensor(dtype === "float32" ? Float32Array.from(ys) : ys, { dtype, shape }),
    };
  });
}

/**
 * The sanity training: `steps` AdamW steps (weight decay 1e-4) on `loss`, returning the losses
 * and whether the number of live tensors stayed at its level after step 2 (the optimizer state
 * exists from step 1 on; anything more is a leak). The optimizer is disposed, the model not.
 */
export function trainWithAdamW(
  model: AnyModule,
  loss: () => Tensor,
  opts: { lr: number; steps: number },
): { losses: number[]; leaked: number } {
  const opt = new AdamW(model, { lr: opts.lr, weightDecay: 1e-4 });
  const losses: number[] = [];
  let live = 0;
  for (let step = 0; step < opts.steps; step++) {
    losses.push(
      tidy(() => {
        const { value, grads } = gradientsOfParameters(loss, model);
        opt.step(grads);
        return value.item();
      }),
    );
    if (step === 1) live = memory().numTensors;
  }
  const leaked = memory().numTensors - live;
  opt.dispose();
  return { losses, leaked };
}
