/**
 * Errors carry a brand (a well-known symbol property) so that `isX` guards work even when two
 * copies of this package are loaded, where `instanceof` would fail.
 */
export const ERROR_BRAND = Symbol.for("pulumi-openai-batch.error");

export type ErrorKind = "input" | "inputFile" | "api" | "wait";

export function hasBrand(value: unknown, kind: ErrorKind): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { [ERROR_BRAND]?: unknown })[ERROR_BRAND] === kind
  );
}
