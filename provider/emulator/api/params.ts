import { integerOutOfRange, invalidType, invalidValue, missingParameter, unknownParameter } from "./errors";

/** Checks shared by the request parsers. Each throws the ApiError the real API would answer. */

export function rejectUnknown(body: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) throw unknownParameter(key);
  }
}

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) throw missingParameter(name);
  if (typeof value !== "string") throw invalidType(name, "a string", value);
  return value;
}

export function oneOf<T extends string>(value: string, param: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidValue(
      param,
      `Invalid value for '${param}': '${value}'. Supported values are: ${allowed.map((v) => `'${v}'`).join(", ")}.`,
    );
  }
  return value as T;
}

/**
 * Reads an expiry policy `{anchor: "created_at", seconds: 3600..2592000}` and returns the seconds.
 * `param` is the parameter's name (e.g. "expires_after"); values may be strings when they come
 * from a form.
 */
export function expiryPolicy(
  anchor: unknown,
  seconds: unknown,
  param: string,
  min: number,
  max: number,
): number {
  if (anchor === undefined || anchor === null) throw missingParameter(`${param}.anchor`);
  if (seconds === undefined || seconds === null) throw missingParameter(`${param}.seconds`);
  if (anchor !== "created_at") {
    throw invalidValue(
      `${param}.anchor`,
      `Invalid value for '${param}.anchor': ${JSON.stringify(anchor)}. Supported values are: 'created_at'.`,
    );
  }
  const number = typeof seconds === "string" && /^-?\d+$/.test(seconds.trim()) ? Number(seconds) : seconds;
  if (typeof number !== "number" || !Number.isInteger(number)) {
    throw invalidType(`${param}.seconds`, "an integer", seconds);
  }
  if (number < min || number > max) {
    const error = integerOutOfRange(`${param}.seconds`, number, min, max);
    throw invalidValue(
      `${param}.seconds`,
      `${error.message} It must be between ${min} (1 hour) and ${max} (30 days).`,
    );
  }
  return number;
}
