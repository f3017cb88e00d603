import type { BatchEndpoint } from "../limits";
import type { UsageCounter } from "../tokens/usage-counter";
import { chatCompletion } from "./chat";
import { textCompletion } from "./completions";
import type {
  CountedRequest,
  ExecutionContext,
  ExecutionFailure,
  ExecutionResult,
  ExecutionSuccess,
} from "./context";
import { embeddings } from "./embeddings";
import { images } from "./images";
import { moderation } from "./moderations";
import { response } from "./responses";
import { promptText, replyText } from "./text";
import { video } from "./videos";

/** The body field that makes the emulator fail a request on purpose (status 400). */
export const FAIL_FIELD = "__emulator_fail";

interface EndpointSpec {
  /**
   * Body fields the endpoint requires, from the JSON request bodies of the OpenAPI spec; a list
   * is satisfied by any one of its names (a response's input may come from a reusable prompt).
   */
  required: readonly (string | readonly string[])[];
  /** The body field whose last text the answer quotes, for endpoints that answer with text. */
  quotes?: string;
  run: (ctx: ExecutionContext, body: Record<string, unknown>, counted: CountedRequest) => ExecutionSuccess;
}

const ENDPOINTS: Record<BatchEndpoint, EndpointSpec> = {
  "/v1/chat/completions": { required: ["model", "messages"], quotes: "messages", run: chatCompletion },
  "/v1/responses": { required: ["model", ["input", "prompt"]], quotes: "input", run: response },
  "/v1/embeddings": { required: ["model", "input"], run: embeddings },
  "/v1/completions": { required: ["model", "prompt"], quotes: "prompt", run: textCompletion },
  "/v1/moderations": { required: ["input"], run: moderation },
  "/v1/images/generations": { required: ["prompt"], run: images },
  "/v1/images/edits": { required: ["images", "prompt"], run: images },
  "/v1/videos": { required: ["prompt"], run: video },
};

/**
 * Answers one request of a batch the way its endpoint would, deterministically. A body that lacks
 * a required field, has a non-string model, or carries `"__emulator_fail": true` is refused with
 * status 400 and an error body, like the real endpoint refuses a bad request. Tokens are counted
 * by `counter`, in the emulator's counting thread.
 */
export async function executeRequest(
  endpoint: BatchEndpoint,
  body: Record<string, unknown>,
  ctx: ExecutionContext,
  counter: UsageCounter,
): Promise<ExecutionResult> {
  if (body[FAIL_FIELD] === true) {
    return failure(
      "This request failed because its body sets __emulator_fail.",
      null,
      "emulator_forced_failure",
    );
  }
  const spec = ENDPOINTS[endpoint];
  const present = (field: string) => body[field] !== undefined && body[field] !== null;
  for (const required of spec.required) {
    const names = typeof required === "string" ? [required] : required;
    if (!names.some(present)) {
      const field = names[0]!;
      return failure(`Missing required parameter: '${field}'.`, field, "missing_required_parameter");
    }
  }
  if (body.model !== undefined && typeof body.model !== "string") {
    return failure("Invalid type for 'model': expected a string.", "model", "invalid_type");
  }
  const reply = spec.quotes === undefined ? "" : replyText(promptText(body[spec.quotes]), ctx.seed);
  const usage = await counter.requestUsage(endpoint, body, reply);
  return {
    ok: true,
    value: spec.run(ctx, body, { input: usage?.input ?? 0, reply, replyTokens: usage?.output ?? 0 }),
  };
}

function failure(
  message: string,
  param: string | null,
  code: string,
): { ok: false; value: ExecutionFailure } {
  return {
    ok: false,
    value: { status: 400, error: { message, type: "invalid_request_error", param, code } },
  };
}
