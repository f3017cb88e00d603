import { integerOutOfRange, invalidType, invalidValue } from "../api/errors";

/** Reads an integer query parameter within [min, max], or the default when absent. */
export function integerParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = query.get(name);
  if (text === null || text === "") return fallback;
  if (!/^-?\d+$/.test(text.trim())) throw invalidType(name, "an integer", text);
  const value = Number(text);
  if (value < min || value > max) throw integerOutOfRange(name, value, min, max);
  return value;
}

export function enumParam<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const text = query.get(name);
  if (text === null || text === "") return fallback;
  if (!(allowed as readonly string[]).includes(text)) {
    throw invalidValue(
      name,
      `Invalid value for '${name}': '${text}'. Supported values are: ${allowed.map((v) => `'${v}'`).join(", ")}.`,
    );
  }
  return text as T;
}

/** One page of a list ordered as given, starting after the object `after` names (if any). */
export function page<T extends { id: string }>(
  items: readonly T[],
  after: string | null,
  limit: number,
): { data: T[]; hasMore: boolean } {
  let start = 0;
  if (after !== null && after !== "") {
    const index = items.findIndex((item) => item.id === after);
    start = index === -1 ? items.length : index + 1;
  }
  const data = items.slice(start, start + limit);
  return { data, hasMore: start + limit < items.length };
}
