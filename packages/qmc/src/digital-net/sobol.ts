/** Sobol' sequence: the base-2 digital net with Joe & Kuo (2008) direction numbers. */
import type { SobolOptions } from "../types.js";
import { DigitalNetB2 } from "./digital-net.js";

/** Sobol' points (dim <= 21201, or 21201 / alpha when interlaced). */
export class Sobol extends DigitalNetB2 {
  constructor(dim: number, options: SobolOptions = {}) {
    super(dim, { ...options, matrices: undefined }, "Sobol");
  }

  override spawn(seed: number): Sobol {
    return new Sobol(this.dim, { ...this.options, seed });
  }

  protected override name(): string {
    return "Sobol";
  }
}
