// Least squares by gradient descent: the README's quick start (run: node examples/quickstart.mjs).
import {
  dispose,
  Generator,
  gradientsOf,
  matmul,
  mean,
  memory,
  mul,
  square,
  sub,
  tensor,
  tidy,
} from "@modewise/tensor";

const rng = new Generator(42);
const x = rng.normal([256, 3], { dtype: "float64" });
const wTrue = tensor([[1.5], [-2], [0.5]], { dtype: "float64" });
const y = matmul(x, wTrue);

let w = tensor([[0], [0], [0]], { dtype: "float64" });
for (let step = 0; step <= 200; step++) {
  const { value, grads } = gradientsOf(() => mean(square(sub(matmul(x, w), y))), [w]);
  if (step % 50 === 0) console.log(`step ${step}: loss ${value.item().toExponential(3)}`);
  const next = tidy(() => sub(w, mul(grads[0], 0.1)));
  dispose([w, value, grads]);
  w = next;
}
console.log("fitted w:", Array.from(w.dataSync(), (v) => v.toFixed(6)).join(", "));
dispose([x, wTrue, y, w]);
console.log("live tensors after cleanup:", memory().numTensors);
