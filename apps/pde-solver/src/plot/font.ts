/**
 * A 3 x 5 pixel bitmap font for tick labels, axis titles and legends: digits, '.', '-', '+',
 * 'e' (the small exponent e of tick labels), capital letters (lower-case letters other than 'e'
 * draw as capitals) and a few signs. Each glyph is five rows of three bits, most significant
 * bit = leftmost pixel.
 */
const GLYPHS: Record<string, readonly number[]> = {
  "0": [0b111, 0b101, 0b101, 0b101, 0b111],
  "1": [0b010, 0b110, 0b010, 0b010, 0b111],
  "2": [0b111, 0b001, 0b111, 0b100, 0b111],
  "3": [0b111, 0b001, 0b111, 0b001, 0b111],
  "4": [0b101, 0b101, 0b111, 0b001, 0b001],
  "5": [0b111, 0b100, 0b111, 0b001, 0b111],
  "6": [0b111, 0b100, 0b111, 0b101, 0b111],
  "7": [0b111, 0b001, 0b001, 0b001, 0b001],
  "8": [0b111, 0b101, 0b111, 0b101, 0b111],
  "9": [0b111, 0b101, 0b111, 0b001, 0b111],
  ".": [0b000, 0b000, 0b000, 0b000, 0b010],
  "-": [0b000, 0b000, 0b111, 0b000, 0b000],
  "+": [0b000, 0b010, 0b111, 0b010, 0b000],
  e: [0b000, 0b111, 0b111, 0b100, 0b111],
  " ": [0, 0, 0, 0, 0],
  A: [0b010, 0b101, 0b111, 0b101, 0b101],
  B: [0b110, 0b101, 0b110, 0b101, 0b110],
  C: [0b011, 0b100, 0b100, 0b100, 0b011],
  D: [0b110, 0b101, 0b101, 0b101, 0b110],
  E: [0b111, 0b100, 0b110, 0b100, 0b111],
  F: [0b111, 0b100, 0b110, 0b100, 0b100],
  G: [0b011, 0b100, 0b101, 0b101, 0b011],
  H: [0b101, 0b101, 0b111, 0b101, 0b101],
  I: [0b111, 0b010, 0b010, 0b010, 0b111],
  J: [0b001, 0b001, 0b001, 0b101, 0b010],
  K: [0b101, 0b101, 0b110, 0b101, 0b101],
  L: [0b100, 0b100, 0b100, 0b100, 0b111],
  M: [0b101, 0b111, 0b111, 0b101, 0b101],
  N: [0b110, 0b101, 0b101, 0b101, 0b101],
  O: [0b010, 0b101, 0b101, 0b101, 0b010],
  P: [0b110, 0b101, 0b110, 0b100, 0b100],
  Q: [0b010, 0b101, 0b101, 0b110, 0b011],
  R: [0b110, 0b101, 0b110, 0b101, 0b101],
  S: [0b011, 0b100, 0b010, 0b001, 0b110],
  T: [0b111, 0b010, 0b010, 0b010, 0b010],
  U: [0b101, 0b101, 0b101, 0b101, 0b111],
  V: [0b101, 0b101, 0b101, 0b101, 0b010],
  W: [0b101, 0b101, 0b111, 0b111, 0b101],
  X: [0b101, 0b101, 0b010, 0b101, 0b101],
  Y: [0b101, 0b101, 0b010, 0b010, 0b010],
  Z: [0b111, 0b001, 0b010, 0b100, 0b111],
  "(": [0b010, 0b100, 0b100, 0b100, 0b010],
  ")": [0b010, 0b001, 0b001, 0b001, 0b010],
  "/": [0b001, 0b001, 0b010, 0b100, 0b100],
  ":": [0b000, 0b010, 0b000, 0b010, 0b000],
  "=": [0b000, 0b111, 0b000, 0b111, 0b000],
  ",": [0b000, 0b000, 0b000, 0b010, 0b100],
  "|": [0b010, 0b010, 0b010, 0b010, 0b010],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** The rows of a glyph; unknown characters render as a full block so they are noticed. */
export function glyph(ch: string): readonly number[] {
  return GLYPHS[ch] ?? GLYPHS[ch.toUpperCase()] ?? [0b111, 0b111, 0b111, 0b111, 0b111];
}

/** Width in pixels of `text` at integer `scale` (one blank column between glyphs). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** Compact tick label: fixed for 1e-2 <= |v| < 1e4, otherwise mantissa e exponent. */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-2 && a < 1e4) {
    const text = Number(v.toPrecision(3)).toString();
    return text;
  }
  const [mantissa, exponent] = v.toExponential(1).split("e");
  return `${mantissa.replace(/\.0$/, "")}e${exponent.replace("+", "")}`;
}
