/**
 * Child process of the validation figures: validates and hashes one file, either with the
 * provider's streaming `validateBatchInput` or the naive in-memory way, and reports the time, the
 * peak RSS growth and the bytes read. Usage: node validate-probe.js <validator|naive> <path>
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";
import { CHAT_ENDPOINT } from "../dataset/request-line";
import { serveInChild } from "../lib/child";
import { type Measurement, measure } from "../lib/measure";

export type ValidateProbeKind = "validator" | "naive";

export interface ValidateProbeResult {
  ok: boolean;
  lineCount: number;
  bytes: number;
  sha256: string | null;
  firstProblem: string | null;
}

/** readFileSync, split("\n"), JSON.parse every line, sha256 of the whole buffer. */
function naive(path: string): ValidateProbeResult {
  const buffer = readFileSync(path);
  const lines = buffer.toString("utf8").split("\n");
  let lineCount = 0;
  for (const line of lines) {
    if (line === "") continue;
    JSON.parse(line);
    lineCount += 1;
  }
  const sha256 = createHash("sha256").update(buffer).digest("hex");
  return { ok: true, lineCount, bytes: buffer.length, sha256, firstProblem: null };
}

async function validator(path: string): Promise<ValidateProbeResult> {
  const report = await validateBatchInput({ path }, { endpoint: CHAT_ENDPOINT });
  return {
    ok: report.ok,
    lineCount: report.lineCount,
    bytes: report.bytes,
    sha256: report.sha256 ?? null,
    firstProblem: report.problems[0]?.message ?? null,
  };
}

if (require.main === module) {
  const [kind, path] = process.argv.slice(2) as [ValidateProbeKind, string];
  serveInChild<Measurement<ValidateProbeResult>>(() =>
    measure(async () => (kind === "naive" ? naive(path) : validator(path))),
  );
}
