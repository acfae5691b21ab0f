/** Every parity case (CORE's and LINALG's), run in Node on wasm and in Chromium on webgl2 / webgpu. */
import { coreCases } from "./cases-core.js";
import { linalgCases } from "./cases-linalg.js";

export type { ParityCase, ParityResult } from "./cases-linalg.js";
export const cases = [...coreCases, ...linalgCases];
