import { derivedId } from "../ids";
import type { CountedRequest, ExecutionContext, ExecutionSuccess } from "./context";

/** An emulated /v1/completions answer: a `text_completion`. */
export function textCompletion(
  ctx: ExecutionContext,
  body: Record<string, unknown>,
  counted: CountedRequest,
): ExecutionSuccess {
  const text = counted.reply;
  const promptTokens = counted.input;
  const completionTokens = counted.replyTokens;
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
