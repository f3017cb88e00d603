import type { ExecutionContext, ExecutionSuccess } from "./context";
import { estimateTokens } from "./text";

/** A 1×1 transparent PNG: the emulated image. */
export const EMULATED_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/** An emulated /v1/images/generations or /v1/images/edits answer: `n` tiny base64 PNGs. */
export function images(ctx: ExecutionContext, body: Record<string, unknown>): ExecutionSuccess {
  const n = typeof body.n === "number" && Number.isInteger(body.n) && body.n > 0 ? Math.min(body.n, 10) : 1;
  const inputTokens = estimateTokens(body.prompt);
  const outputTokens = 272 * n;
  return {
    body: {
      created: ctx.createdSec,
      background: "opaque",
      data: Array.from({ length: n }, () => ({ b64_json: EMULATED_PNG_BASE64 })),
      output_format: "png",
      quality: typeof body.quality === "string" ? body.quality : "low",
      size: typeof body.size === "string" ? body.size : "1024x1024",
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { image_tokens: 0, text_tokens: inputTokens },
        output_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
      },
    },
    usage: { input: inputTokens, output: outputTokens },
  };
}
