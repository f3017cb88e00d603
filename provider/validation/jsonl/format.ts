import type { BatchInputReport } from "./validate";

/**
 * Turns a report into messages like `requests.jsonl:17: body.model is missing; ...`, one per
 * problem, followed by a count of those not listed.
 */
export function formatReport(report: BatchInputReport, label: string): string[] {
  const lines = report.problems.map((problem) =>
    problem.line === undefined
      ? `${label}: ${problem.message}`
      : `${label}:${problem.line}: ${problem.message}`,
  );
  const unlisted = report.problemCount - report.problems.length;
  if (unlisted > 0) {
    lines.push(`${label}: ... and ${unlisted} more problem${unlisted === 1 ? "" : "s"}`);
  }
  return lines;
}
