const BRAND = Symbol.for("pulumi-openai-batch.emulator.ApiError");

/** The body of every error answer, as the real API sends it. */
export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * An error answer of the emulated API: an HTTP status and the OpenAI error object. Route handlers
 * throw it; the server turns it into the answer.
 */
export class ApiError extends Error {
  readonly [BRAND] = true;
  override readonly name = "ApiError";
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    fields: {
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.status = status;
    this.type = fields.type ?? "invalid_request_error";
    this.param = fields.param ?? null;
    this.code = fields.code ?? null;
    this.headers = fields.headers ?? {};
  }

  body(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function isApiError(value: unknown): value is ApiError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
