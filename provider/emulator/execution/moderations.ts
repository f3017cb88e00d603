import { derivedId } from "../ids";
import type { ExecutionContext, ExecutionSuccess } from "./context";
import { seededUnits } from "./text";

export const MODERATION_CATEGORIES = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/intent",
  "self-harm/instructions",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
] as const;

/** The word that makes an emulated moderation flag its input (category "violence"). */
export const FLAG_WORD = "__emulator_flag__";

/** An emulated /v1/moderations answer: one result per input, low scores unless FLAG_WORD appears. */
export function moderation(ctx: ExecutionContext, body: Record<string, unknown>): ExecutionSuccess {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const results = inputs.map((input, index) => {
    const flagged = JSON.stringify(input).includes(FLAG_WORD);
    const units = seededUnits(`${ctx.seed}:${index}`, MODERATION_CATEGORIES.length);
    const categories: Record<string, boolean> = {};
    const scores: Record<string, number> = {};
    const applied: Record<string, string[]> = {};
    MODERATION_CATEGORIES.forEach((category, i) => {
      const hit = flagged && category === "violence";
      categories[category] = hit;
      scores[category] = hit ? 0.98 : Math.round((units[i] ?? 0) * 1e-3 * 1e9) / 1e9;
      applied[category] = ["text"];
    });
    return { flagged, categories, category_scores: scores, category_applied_input_types: applied };
  });
  return {
    body: {
      id: derivedId("modr-", 24, ctx.seed, "moderation"),
      model: typeof body.model === "string" ? body.model : "omni-moderation-latest",
      results,
    },
    usage: { input: 0, output: 0 },
  };
}
