import { derivedId } from "../ids";
import type { CountedRequest, ExecutionContext, ExecutionSuccess } from "./context";

/** An emulated /v1/chat/completions answer: a `chat.completion` with choices and usage. */
export function chatCompletion(
  ctx: ExecutionContext,
  body: Record<string, unknown>,
  counted: CountedRequest,
): ExecutionSuccess {
  const model = String(body.model);
  const n = typeof body.n === "number" && Number.isInteger(body.n) && body.n > 0 ? Math.min(body.n, 8) : 1;
  const content = counted.reply;
  const promptTokens = counted.input;
  const completionTokens = counted.replyTokens * n;
  const choices = Array.from({ length: n }, (_, index) => ({
    index,
    message: { role: "assistant", content, refusal: null, annotations: [] },
    logprobs: null,
    finish_reason: "stop",
  }));
  return {
    body: {
      id: derivedId("chatcmpl-", 29, ctx.seed, "chat"),
      object: "chat.completion",
      created: ctx.createdSec,
      model,
      choices,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: "default",
      system_fingerprint: "fp_emulator",
    },
    usage: { input: promptTokens, output: completionTokens },
  };
}
