import { derivedId } from "../ids";
import type { CountedRequest, ExecutionContext, ExecutionSuccess } from "./context";

/** An emulated /v1/responses answer: a completed `response` with one output message. */
export function response(
  ctx: ExecutionContext,
  body: Record<string, unknown>,
  counted: CountedRequest,
): ExecutionSuccess {
  const text = counted.reply;
  const inputTokens = counted.input;
  const outputTokens = counted.replyTokens;
  return {
    body: {
      id: derivedId("resp_", 48, ctx.seed, "response"),
      object: "response",
      created_at: ctx.createdSec,
      status: "completed",
      background: false,
      completed_at: ctx.createdSec,
      error: null,
      incomplete_details: null,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      model: String(body.model),
      output: [
        {
          id: derivedId("msg_", 48, ctx.seed, "message"),
          type: "message",
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      service_tier: "default",
      store: true,
      temperature: typeof body.temperature === "number" ? body.temperature : 1,
      text: { format: { type: "text" }, verbosity: "medium" },
      tool_choice: "auto",
      tools: [],
      top_p: typeof body.top_p === "number" ? body.top_p : 1,
      truncation: "disabled",
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
      user: null,
      metadata: typeof body.metadata === "object" && body.metadata !== null ? body.metadata : {},
    },
    usage: { input: inputTokens, output: outputTokens },
  };
}
