import { ApiError } from "./api-error";

/** The error answers of the emulated API, worded like the real ones. */

export function missingParameter(param: string): ApiError {
  return new ApiError(400, `Missing required parameter: '${param}'.`, {
    param,
    code: "missing_required_parameter",
  });
}

export function unknownParameter(param: string): ApiError {
  return new ApiError(400, `Unknown parameter: '${param}'.`, { param, code: "unknown_parameter" });
}

export function invalidValue(param: string, message: string): ApiError {
  return new ApiError(400, message, { param, code: "invalid_value" });
}

export function invalidType(param: string, expected: string, value: unknown): ApiError {
  return new ApiError(
    400,
    `Invalid type for '${param}': expected ${expected}, but got ${jsonType(value)} instead.`,
    {
      param,
      code: "invalid_type",
    },
  );
}

export function integerOutOfRange(param: string, value: number, min: number, max: number): ApiError {
  if (value < min) {
    return new ApiError(
      400,
      `Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      { param, code: "integer_below_min_value" },
    );
  }
  return new ApiError(
    400,
    `Invalid '${param}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
    { param, code: "integer_above_max_value" },
  );
}

export function invalidJsonBody(): ApiError {
  return new ApiError(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  );
}

export function invalidMultipart(reason: string): ApiError {
  return new ApiError(400, `Could not parse the multipart/form-data body: ${reason}`, {
    code: "invalid_multipart",
  });
}

export function bodyTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, `The request body is too large: the limit is ${limitBytes} bytes.`, {
    code: "request_too_large",
  });
}

export function fileTooLarge(message: string): ApiError {
  return new ApiError(400, message, { param: "file", code: "file_too_large" });
}

export function noSuchFile(id: string, param = "id"): ApiError {
  return new ApiError(404, `No such File object: ${id}`, { param });
}

/** 416 for a `Range` that starts past the end of a file's content. */
export function rangeNotSatisfiable(range: string, size: number): ApiError {
  return new ApiError(416, `The range '${range}' is not satisfiable: the file has ${size} bytes.`, {
    code: "range_not_satisfiable",
    headers: { "content-range": `bytes */${size}` },
  });
}

export function noSuchBatch(id: string): ApiError {
  return new ApiError(404, `No batch found with id '${id}'.`);
}

export function noSuchUpload(id: string): ApiError {
  return new ApiError(404, `No such Upload object: ${id}`, { param: "upload_id" });
}

export function invalidUrl(method: string, path: string): ApiError {
  return new ApiError(404, `Invalid URL (${method} ${path})`);
}

export function invalidMethod(method: string, path: string, allowed: string[]): ApiError {
  return new ApiError(405, `Invalid method for URL (${method} ${path})`, {
    headers: { allow: allowed.join(", ") },
  });
}

export function missingApiKey(): ApiError {
  return new ApiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
  );
}

/** Azure's older API without its `api-version` query. */
export function missingApiVersion(): ApiError {
  return new ApiError(
    400,
    "Missing required query parameter 'api-version'. Add ?api-version=2024-10-21 (or another supported version), or call the v1 API under /openai/v1.",
    { code: "missing_api_version" },
  );
}

export function incorrectApiKey(masked: string): ApiError {
  return new ApiError(
    401,
    `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    { code: "invalid_api_key" },
  );
}

export function rateLimited(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    `Rate limit reached for requests. Please try again in ${retryAfterSeconds}s. (Injected by the emulator.)`,
    {
      type: "requests",
      code: "rate_limit_exceeded",
      headers: {
        "retry-after": String(Math.ceil(retryAfterSeconds)),
        "retry-after-ms": String(Math.round(retryAfterSeconds * 1000)),
      },
    },
  );
}

export function serverError(): ApiError {
  return new ApiError(500, "The server had an error while processing your request. Sorry about that!", {
    type: "server_error",
  });
}

export function conflict(message: string): ApiError {
  return new ApiError(409, message, { headers: { "x-should-retry": "false" } });
}

export function adminForbidden(): ApiError {
  return new ApiError(403, "The emulator's admin API only answers loopback clients.");
}

export function adminCrossSite(origin: string): ApiError {
  return new ApiError(
    403,
    `The emulator's admin API refuses requests from another site (Origin ${JSON.stringify(origin)}); call it from a script or a command line, which send no Origin.`,
  );
}

export function adminNeedsJson(contentType: string | undefined): ApiError {
  const given = contentType === undefined ? "no Content-Type" : `Content-Type ${JSON.stringify(contentType)}`;
  return new ApiError(
    415,
    `The emulator's admin API takes calls that change its state only with Content-Type: application/json (got ${given}); send that header, with or without a body.`,
  );
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return "a boolean";
  return "an object";
}
