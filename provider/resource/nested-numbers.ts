import type { InputProblem } from "../errors";

/**
 * Numbers that cannot reach the provider as written: NaN, Infinity and -Infinity inside an
 * argument's objects or arrays (`outputExpiresAfter.seconds`, `prices`, an inline request's body),
 * which Pulumi sends to the provider as null, so that its check could only blame a null the user
 * never wrote. (At the top level they arrive as they are, and the check names them.) Only plain
 * objects and arrays are walked, never an `Output` or a promise, whose values are not known yet.
 * One problem per argument, at the first such number.
 */
export function nestedNonFiniteProblems(args: Readonly<Record<string, unknown>>): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const [name, value] of Object.entries(args)) {
    const found = firstNonFinite(value, name);
    if (found !== undefined) {
      problems.push({
        property: found.path,
        reason: `${found.path} is ${String(found.value)}, which is not a number JSON can carry (Pulumi would send it to the provider as null); give a finite number`,
      });
    }
  }
  return problems;
}

function firstNonFinite(root: unknown, rootPath: string): { path: string; value: number } | undefined {
  const pending: { value: unknown; path: string }[] = [{ value: root, path: rootPath }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) {
        pending.push({ value: value[index], path: `${path}[${index}]` });
      }
    } else if (isPlainObject(value)) {
      const entries = Object.entries(value);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, child] = entries[index]!;
        pending.push({
          value: child,
          path: `${path}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`,
        });
      }
    } else if (path !== rootPath && typeof value === "number" && !Number.isFinite(value)) {
      return { path, value };
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
