/** Short rendering of a received value for error messages (@modewise/tensor keeps its own private). */
export function showValue(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.slice(0, 8).map(showValue).join(", ")}${value.length > 8 ? ", ..." : ""}]`;
  if (typeof value === "string") return `'${value}'`;
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return String(value);
}
