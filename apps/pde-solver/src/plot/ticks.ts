/** "Nice" axis ticks (1, 2, 5 x 10^k steps), linear or logarithmic (decades). */

export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  // Round to the step's decimal so 0.30000000000000004 prints as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Number(v.toFixed(decimals)));
  return ticks;
}

/** Powers of ten within [lo, hi] (both > 0); thinned to at most `max` labels. */
export function logTicks(lo: number, hi: number, max = 8): number[] {
  const a = Math.ceil(Math.log10(lo) - 1e-12);
  const b = Math.floor(Math.log10(hi) + 1e-12);
  const every = Math.max(1, Math.ceil((b - a + 1) / max));
  const out: number[] = [];
  for (let e = a; e <= b; e += every) out.push(10 ** e);
  // A range inside one decade has no power of ten: label its ends instead (an empty tick list
  // used to give an infinite label width and a chart that never finished drawing).
  if (out.length === 0) return lo === hi ? [lo] : [lo, hi];
  return out;
}
