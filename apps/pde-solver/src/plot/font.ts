/**
 * A 3 x 5 pixel bitmap font for tick labels: digits, '.', '-', '+', 'e' (exponents). Each glyph
 * is five rows of three bits, most significant bit = leftmost pixel.
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
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** The rows of a glyph; unknown characters render as a full block so they are noticed. */
export function glyph(ch: string): readonly number[] {
  return GLYPHS[ch] ?? [0b111, 0b111, 0b111, 0b111, 0b111];
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
