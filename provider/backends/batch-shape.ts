/**
 * Batch objects as OpenAI shapes them, from the shapes other backends send (pure):
 * - Together answers a create with `{job: {...}, warning}`, and a list with a bare array;
 * - Together's statuses are upper case (`IN_PROGRESS`), and Azure's REST examples show
 *   `Validating`; OpenAI's are lower case;
 * - Together's times, and those of Azure's REST examples, are ISO 8601 text; OpenAI's unix seconds
 *   (Together's `job_deadline` is the batch's `expires_at`, its `model_id` the `model`);
 * - Azure's examples show `""` for a file id not made yet; OpenAI sends null;
 * - Groq's `errors` is a bare array, Together's failure an `error` string; OpenAI's is
 *   `{object: "list", data: [...]}`.
 * Fields a backend leaves out stay out (Together's jobs carry no `request_counts` and no
 * `metadata`).
 */

const TIME_FIELDS = [
  "created_at",
  "in_progress_at",
  "finalizing_at",
  "completed_at",
  "failed_at",
  "expired_at",
  "expires_at",
  "cancelling_at",
  "cancelled_at",
] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One batch object in OpenAI's shape; anything that is not an object is returned as it is. */
export function normalizeBatch(value: unknown): unknown {
  if (!isObject(value)) return value;
  const source = value.id === undefined && isObject(value.job) ? value.job : value;
  const batch: Json = { ...source };
  batch.object ??= "batch";
  if (typeof batch.status === "string") batch.status = batch.status.toLowerCase();
  if (batch.expires_at === undefined && batch.job_deadline !== undefined)
    batch.expires_at = batch.job_deadline;
  for (const field of TIME_FIELDS) batch[field] = unixSeconds(batch[field]);
  for (const field of ["output_file_id", "error_file_id"]) {
    if (batch[field] === "") batch[field] = null;
  }
  if (batch.model === undefined && typeof batch.model_id === "string") batch.model = batch.model_id;
  batch.errors = errorList(batch.errors, batch.error);
  return batch;
}

/** A list of batches in OpenAI's shape: `{object: "list", data, has_more}`. */
export function normalizeBatchList(value: unknown): unknown {
  if (Array.isArray(value)) return { object: "list", data: value.map(normalizeBatch), has_more: false };
  if (!isObject(value) || !Array.isArray(value.data)) return value;
  return { ...value, data: value.data.map(normalizeBatch), has_more: value.has_more === true };
}

/** A batches answer in OpenAI's shape: a list (an array, or `{data: [...]}`) or one batch. */
export function normalizeBatchAnswer(value: unknown): unknown {
  return Array.isArray(value) || (isObject(value) && Array.isArray(value.data))
    ? normalizeBatchList(value)
    : normalizeBatch(value);
}

function unixSeconds(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function errorList(errors: unknown, error: unknown): unknown {
  if (Array.isArray(errors)) return { object: "list", data: errors };
  if (errors !== undefined && errors !== null) return errors;
  if (typeof error === "string" && error.trim() !== "") {
    return { object: "list", data: [{ code: null, message: error, line: null, param: null }] };
  }
  return errors ?? null;
}
