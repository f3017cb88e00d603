/**
 * The error codes the emulator's input-file validator reports in a failed batch's `errors.data`.
 * Each error has `line` (1-based, or null for the whole file) and `param` (or null).
 */
export const VALIDATION_CODES = {
  /** The file has no requests. */
  emptyFile: "empty_file",
  /** The file is over 200 MB. */
  fileTooLarge: "file_too_large",
  /** The file has more than 50,000 requests. */
  tooManyTasks: "too_many_tasks",
  /** An /v1/embeddings batch has more than 50,000 inputs in all. */
  tooManyEmbeddingInputs: "too_many_embedding_inputs",
  /**
   * A line is not a JSON object (also: an empty or blank line, bytes that are not UTF-8, a lone
   * surrogate escape, or objects and arrays nested more than 100 levels deep).
   */
  invalidJsonLine: "invalid_json_line",
  /** A line lacks custom_id, method, url or body (param names it). */
  missingRequiredParameter: "missing_required_parameter",
  /** A field has the wrong type (param names it). */
  invalidValue: "invalid_value",
  /** method is not "POST". */
  invalidMethod: "invalid_method",
  /** url is not the batch's endpoint. */
  invalidUrl: "invalid_url",
  /** custom_id repeats an earlier line's. */
  duplicateCustomId: "duplicate_custom_id",
  /** body.model differs from the model of the earlier lines. */
  mismatchedModel: "mismatched_model",
  /** Azure: body.model names no deployment of the resource. */
  modelNotFound: "model_not_found",
} as const;
