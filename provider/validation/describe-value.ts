/**
 * How messages show a value the user gave: as JSON, except what JSON has no text for. NaN and
 * ±Infinity are named (`JSON.stringify` would print `null`, and a message would then blame a null
 * the user never wrote), and so is `undefined`.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * `, which is not a number` (or another `what`) for NaN and ±Infinity, which are numbers to
 * JavaScript but not to the argument; empty for anything else.
 */
export function notANumber(value: unknown, what = "a number"): string {
  return typeof value === "number" && !Number.isFinite(value) ? `, which is not ${what}` : "";
}
