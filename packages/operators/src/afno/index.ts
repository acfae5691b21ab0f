export { AFNO, AFNOLayer, type AFNOOptions } from "./afno.js";
export { AFNOBlock, type AFNOBlockOptions } from "./afno-block.js";
