import { derivedId } from "../ids";
import type { ExecutionContext, ExecutionSuccess } from "./context";
import { inputTokens, outputTokens, promptText, replyText } from "./text";

/** An emulated /v1/completions answer: a `text_completion`. */
export function textCompletion(ctx: ExecutionContext, body: Record<string, unknown>): ExecutionSuccess {
  const text = replyText(promptText(body.prompt), ctx.seed);
  const promptTokens = inputTokens("/v1/completions", body);
  const completionTokens = outputTokens(String(body.model), text);
  return {
    body: {
      id: derivedId("cmpl-", 29, ctx.seed, "completion"),
      object: "text_completion",
      created: ctx.createdSec,
      model: String(body.model),
      choices: [{ text, index: 0, logprobs: null, finish_reason: "stop" }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
      system_fingerprint: "fp_emulator",
    },
    usage: { input: promptTokens, output: completionTokens },
  };
}
