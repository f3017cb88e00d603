import { derivedId } from "../ids";
import type { ExecutionContext, ExecutionSuccess } from "./context";

/** An emulated /v1/videos answer: a completed `video` object. */
export function video(ctx: ExecutionContext, body: Record<string, unknown>): ExecutionSuccess {
  return {
    body: {
      id: derivedId("video_", 32, ctx.seed, "video"),
      object: "video",
      model: typeof body.model === "string" ? body.model : "sora-2",
      status: "completed",
      progress: 100,
      created_at: ctx.createdSec,
      completed_at: ctx.createdSec,
      expires_at: ctx.createdSec + 86_400,
      prompt: body.prompt,
      seconds: typeof body.seconds === "string" ? body.seconds : "4",
      size: typeof body.size === "string" ? body.size : "720x1280",
      remixed_from_video_id: null,
      error: null,
    },
    usage: { input: 0, output: 0 },
  };
}
