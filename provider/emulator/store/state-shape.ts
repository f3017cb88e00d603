import { BATCH_ENDPOINTS, BATCH_STATUSES } from "../limits";

/** Shallow checks of persisted records: each returns what is wrong, or undefined. */

type Check = (record: Record<string, unknown>) => string | undefined;

function objectCheck(record: unknown, check: Check): string | undefined {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return "not an object";
  return check(record as Record<string, unknown>);
}

function fields(
  record: Record<string, unknown>,
  kinds: Record<string, "string" | "number" | "boolean">,
): string | undefined {
  for (const [key, kind] of Object.entries(kinds)) {
    if (typeof record[key] !== kind) return `${key} is not a ${kind}`;
  }
  return undefined;
}

export function checkFileRecord(record: unknown): string | undefined {
  return objectCheck(record, (r) =>
    fields(r, {
      id: "string",
      seq: "number",
      bytes: "number",
      createdMs: "number",
      filename: "string",
      purpose: "string",
    }),
  );
}

export function checkBatchRecord(record: unknown): string | undefined {
  return objectCheck(record, (r) => {
    const problem = fields(r, {
      id: "string",
      seq: "number",
      endpoint: "string",
      inputFileId: "string",
      status: "string",
      stuck: "boolean",
      phaseStartMs: "number",
      createdMs: "number",
      expiresMs: "number",
    });
    if (problem !== undefined) return problem;
    if (!(BATCH_ENDPOINTS as readonly string[]).includes(r.endpoint as string)) return "endpoint is unknown";
    if (!(BATCH_STATUSES as readonly string[]).includes(r.status as string)) return "status is unknown";
    const progress = r.progress as Record<string, unknown> | undefined;
    if (typeof progress !== "object" || progress === null) return "progress is missing";
    const progressProblem = fields(progress, {
      validated: "boolean",
      total: "number",
      done: "number",
      completed: "number",
      failed: "number",
      byteOffset: "number",
      outputBytes: "number",
      errorBytes: "number",
    });
    if (progressProblem !== undefined) return `progress.${progressProblem}`;
    if (typeof r.usage !== "object" || r.usage === null) return "usage is missing";
    return undefined;
  });
}

export function checkUploadRecord(record: unknown): string | undefined {
  return objectCheck(record, (r) => {
    const problem = fields(r, {
      id: "string",
      seq: "number",
      createdMs: "number",
      expiresMs: "number",
      filename: "string",
      purpose: "string",
      bytes: "number",
      mimeType: "string",
      status: "string",
    });
    if (problem !== undefined) return problem;
    return Array.isArray(r.parts) ? undefined : "parts is not an array";
  });
}
