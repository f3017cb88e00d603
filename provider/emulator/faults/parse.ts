import { EmulatorConfigError } from "../errors/config-error";
import type { FaultKind, FaultRule } from "../types";

export const FAULT_KINDS: readonly FaultKind[] = [
  "rate_limit",
  "server_error",
  "server_error_after",
  "drop_connection",
  "latency",
  "request_failure",
  "cut_download",
  "ignore_range",
];

const RULE_KEYS = [
  "method",
  "path",
  "kind",
  "rate",
  "count",
  "seed",
  "latencyMs",
  "retryAfterSeconds",
  "statusCode",
  "errorCode",
  "afterBytes",
];

/**
 * Checks a list of fault rules received from an option, an environment variable, a flag or the
 * admin API, and returns clean copies. `setting` names where the list came from, for messages.
 */
export function parseFaultRules(value: unknown, setting: string): FaultRule[] {
  if (!Array.isArray(value)) {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be an array of fault rules; got ${describe(value)}.`,
    );
  }
  return value.map((rule, index) => parseFaultRule(rule, `${setting}[${index}]`));
}

/** Parses the JSON text of OPENAI_EMULATOR_FAULTS or --faults. */
export function parseFaultRulesJson(text: string, setting: string): FaultRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be a JSON array of fault rules, like [{"kind":"rate_limit","count":1}]; it is not valid JSON.`,
    );
  }
  return parseFaultRules(parsed, setting);
}

function parseFaultRule(value: unknown, at: string): FaultRule {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EmulatorConfigError(at, `Expected \`${at}\` to be an object; got ${describe(value)}.`);
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!RULE_KEYS.includes(key)) {
      throw new EmulatorConfigError(
        at,
        `Unknown key \`${at}.${key}\`; a fault rule has ${RULE_KEYS.join(", ")}.`,
      );
    }
  }
  const kind = input.kind;
  if (typeof kind !== "string" || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new EmulatorConfigError(
      `${at}.kind`,
      `Expected \`${at}.kind\` to be one of ${FAULT_KINDS.join(", ")}; got ${describe(kind)}.`,
    );
  }
  const rule: FaultRule = { kind: kind as FaultKind };
  if (input.method !== undefined) {
    if (typeof input.method !== "string" || !/^[A-Za-z]+$/.test(input.method)) {
      throw new EmulatorConfigError(
        `${at}.method`,
        `Expected \`${at}.method\` to be an HTTP method such as "POST"; got ${describe(input.method)}.`,
      );
    }
    rule.method = input.method.toUpperCase();
  }
  if (input.path !== undefined) {
    if (typeof input.path !== "string" || !input.path.startsWith("/v1")) {
      throw new EmulatorConfigError(
        `${at}.path`,
        `Expected \`${at}.path\` to be a /v1 path such as "/v1/batches/*"; got ${describe(input.path)}.`,
      );
    }
    rule.path = input.path;
  }
  if (input.rate !== undefined && input.count !== undefined) {
    throw new EmulatorConfigError(
      at,
      `\`${at}\` has both \`rate\` and \`count\`; give one of them, or neither to always fire.`,
    );
  }
  if (input.rate !== undefined) {
    rule.rate = number(input.rate, `${at}.rate`, "a probability between 0 and 1", (n) => n >= 0 && n <= 1);
  }
  if (input.count !== undefined) {
    rule.count = number(
      input.count,
      `${at}.count`,
      "a positive integer",
      (n) => Number.isInteger(n) && n > 0,
    );
  }
  if (input.seed !== undefined) {
    rule.seed = number(input.seed, `${at}.seed`, "an integer", Number.isInteger);
  }
  if (input.latencyMs !== undefined) {
    rule.latencyMs = number(
      input.latencyMs,
      `${at}.latencyMs`,
      "a number of ms from 0 to 600000",
      (n) => n >= 0 && n <= 600_000,
    );
  } else if (rule.kind === "latency") {
    throw new EmulatorConfigError(`${at}.latencyMs`, `\`${at}\` is a latency rule and needs \`latencyMs\`.`);
  }
  if (input.retryAfterSeconds !== undefined) {
    rule.retryAfterSeconds = number(
      input.retryAfterSeconds,
      `${at}.retryAfterSeconds`,
      "a number of seconds from 0 to 3600",
      (n) => n >= 0 && n <= 3600,
    );
  }
  parseRequestFailure(input, rule, at);
  parseCutDownload(input, rule, at);
  return rule;
}

/** The keys only a `request_failure` rule has: the status code and error code it writes. */
function parseRequestFailure(input: Record<string, unknown>, rule: FaultRule, at: string): void {
  for (const key of ["statusCode", "errorCode"] as const) {
    if (input[key] !== undefined && rule.kind !== "request_failure") {
      throw new EmulatorConfigError(
        `${at}.${key}`,
        `\`${at}.${key}\` only applies to a request_failure rule; remove it, or set kind to "request_failure".`,
      );
    }
  }
  if (rule.kind === "request_failure" && rule.method !== undefined) {
    throw new EmulatorConfigError(
      `${at}.method`,
      `\`${at}.method\` does not apply to a request_failure rule (every batch request is a POST); remove it.`,
    );
  }
  if (input.statusCode !== undefined) {
    rule.statusCode = number(
      input.statusCode,
      `${at}.statusCode`,
      "an HTTP status code from 400 to 599",
      (n) => Number.isInteger(n) && n >= 400 && n <= 599,
    );
  }
  if (input.errorCode !== undefined) {
    const code = input.errorCode;
    if (typeof code !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(code)) {
      throw new EmulatorConfigError(
        `${at}.errorCode`,
        `Expected \`${at}.errorCode\` to be an error code of 1 to 64 letters, digits, "_", "." or "-", such as "server_error"; got ${describe(code)}.`,
      );
    }
    rule.errorCode = code;
  }
}

/** The key only a `cut_download` rule has: how many bytes go out before the cut. */
function parseCutDownload(input: Record<string, unknown>, rule: FaultRule, at: string): void {
  if (input.afterBytes === undefined) return;
  if (rule.kind !== "cut_download") {
    throw new EmulatorConfigError(
      `${at}.afterBytes`,
      `\`${at}.afterBytes\` only applies to a cut_download rule; remove it, or set kind to "cut_download".`,
    );
  }
  rule.afterBytes = number(
    input.afterBytes,
    `${at}.afterBytes`,
    "a non-negative integer number of bytes",
    (n) => Number.isInteger(n) && n >= 0,
  );
}

function number(value: unknown, at: string, allowed: string, ok: (n: number) => boolean): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new EmulatorConfigError(at, `Expected \`${at}\` to be ${allowed}; got ${describe(value)}.`);
  }
  return value;
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}
