import type { InputProblem } from "../errors";

/** The longest value the engine is left to print beside a failure. */
export const MAX_PRINTED_VALUE_CHARS = 200;

/**
 * The check failures as the engine should print them. The engine prints a failure of a property
 * as `property <name> value <value> has a problem: <reason>`, taking the value from the inputs by
 * that exact name: a nested path (`requests[2].custom_id`, `metadata.team`) finds nothing and is
 * printed as `{<nil>}`, and an array or an object is printed whole, as a Go map. So a failure keeps
 * its property only when that names a top-level input whose value is a short string, number or
 * boolean; any other failure is reported on the resource (no property), its reason led by the
 * property it is about. A reason already given on a property that is kept is not given twice.
 */
export function printableFailures(
  failures: readonly InputProblem[],
  news: Readonly<Record<string, unknown>>,
): InputProblem[] {
  const kept = failures.filter((failure) => printable(failure.property, news));
  const said = new Set(kept.map((failure) => failure.reason));
  const printed: InputProblem[] = [];
  for (const failure of failures) {
    if (printable(failure.property, news)) {
      printed.push(failure);
      continue;
    }
    if (said.has(failure.reason)) continue;
    printed.push({ property: "", reason: ledBy(failure.property, failure.reason) });
  }
  return printed;
}

function printable(property: string, news: Readonly<Record<string, unknown>>): boolean {
  if (property === "" || !Object.hasOwn(news, property)) return false;
  const value = news[property];
  if (typeof value === "string") return value.length <= MAX_PRINTED_VALUE_CHARS;
  return typeof value === "number" || typeof value === "boolean";
}

/** `requests[2].custom_id: <reason>`, unless the reason already starts with the property. */
function ledBy(property: string, reason: string): string {
  if (property === "" || reason.startsWith(`${property}:`)) return reason;
  return `${property}: ${reason}`;
}
