import { displayableJson, noun } from "../../display";
import type { LineProblem } from "./line-problem";
import type { BatchInputReport } from "./validate";

/** The most of a custom_id a message shows. */
const MAX_CUSTOM_ID_CHARS = 100;

/**
 * Turns a report into messages like `requests.jsonl:17 (custom_id "q-4"): body.model is missing; ...`,
 * one per problem, followed by a count of those not listed.
 */
export function formatReport(report: BatchInputReport, label: string): string[] {
  const lines = report.problems.map((problem) => `${lineReference(label, problem)}: ${problem.message}`);
  const unlisted = report.problemCount - report.problems.length;
  if (unlisted > 0) {
    lines.push(`${label}: ... and ${unlisted} more ${noun(unlisted, "problem")}`);
  }
  return lines;
}

/**
 * Where a problem is: `label`, `label:17`, or `label:17 (custom_id "q-4")` when the line has a
 * custom_id, so that the request can be found by either.
 */
export function lineReference(label: string, problem: Pick<LineProblem, "line" | "customId">): string {
  if (problem.line === undefined) return label;
  const id = problem.customId === undefined ? "" : ` (custom_id ${quotedCustomId(problem.customId)})`;
  return `${label}:${problem.line}${id}`;
}

/** A custom_id as JSON text, cut when long, with nothing in it a terminal would act on. */
export function quotedCustomId(customId: string): string {
  const cut =
    customId.length > MAX_CUSTOM_ID_CHARS ? `${customId.slice(0, MAX_CUSTOM_ID_CHARS)}…(cut)` : customId;
  return displayableJson(JSON.stringify(cut));
}
