// Type-level smoke test of the published @modewise/nn, compiled by tools/release-check/run.mjs
// with `tsc --noEmit --module nodenext --moduleResolution nodenext --strict` in an empty project.
import * as nn from "@modewise/nn";

// Use the public types. Replace once layers are exported, e.g.:
//   const layer: nn.Module = new nn.Linear(3, 2);
const version: string = nn.VERSION;

export const smoke = { version };
