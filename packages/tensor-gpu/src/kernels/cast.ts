/** Cast between float32, int32, bool and complex64 (all stored as float32 on the device). */
import type { KernelFn } from "@modewise/tensor";
import type { GpuBackend } from "../backend/gpu-backend.js";
import { broadcastMap } from "./elementwise.js";

const cast: KernelFn<"Cast", GpuBackend> = (inputs, { dtype }, backend) => {
  const x = inputs[0];
  const cin = x.dtype === "complex64";
  const cout = dtype === "complex64";
  let body: string;
  if (cin && cout) body = "if (part === 0) { return x0r; } return x0i;";
  else if (cin && dtype === "bool") body = "if (x0r !== 0 || x0i !== 0) { return 1; } return 0;";
  else if (cin && dtype === "int32")
    body = "if (x0r < 0) { return Math.ceil(x0r); } return Math.floor(x0r);";
  else if (cin) body = "return x0r;";
  else if (cout) body = "if (part === 0) { return x0; } return 0;";
  else if (dtype === "bool") body = "if (x0 !== 0) { return 1; } return 0;";
  // int32: truncation toward zero, as the CPU's Math.trunc.
  else if (dtype === "int32") body = "if (x0 < 0) { return Math.ceil(x0); } return Math.floor(x0);";
  else body = "return x0;";
  return broadcastMap(backend, "Cast", dtype, [x], dtype, body);
};

export const castKernels = { Cast: cast };
