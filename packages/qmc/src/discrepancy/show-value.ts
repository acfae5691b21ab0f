/** The tensor core's rendering of a received value for error messages, under qmc's name. */
export { show as showValue } from "@modewise/tensor";
