export { ChannelMLP, PointwiseConv, pointwise } from "./channel-mlp.js";
export { FNO, FNOBlocks, type FNOOptions } from "./fno.js";
export { appendGrid } from "./grid.js";
export { cropRight, paddingAmounts, padRight } from "./padding.js";
export { IdentitySkip, LinearSkip, makeSkip, type SkipType, SoftGating } from "./skip.js";
