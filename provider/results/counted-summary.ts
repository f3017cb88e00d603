import type { BatchOutputs, ResultsSummary } from "../contract";
import type { OpenAIBatchApi } from "../runtime/openai-api";
import { filesOf } from "./api-files";
import { absentRecord, resultOfLine } from "./classify";
import type { ErrorExample } from "./failure-policy";
import { resultLines } from "./join";
import type { SettledResults } from "./settle";
import { countRecord, emptySummary } from "./summary";

/**
 * The results summary of a finished batch counted without its output file: the requests the API
 * counts as completed are the output file's (each answered with a 2xx), the error file's lines
 * are classified one by one (streamed, so memory stays flat), and the requests in neither file
 * (`total` minus both) take what became of the batch: `expired`, `cancelled` or `missing`. For a
 * resource that waits for its batch but sets no results argument: it downloads at most the error
 * file, and nothing at all when no request failed.
 */
export async function countedSummary(
  id: string,
  outs: BatchOutputs,
  api: OpenAIBatchApi,
): Promise<SettledResults | undefined> {
  const counts = outs.requestCounts;
  if (counts === undefined) return undefined;
  const summary: ResultsSummary = emptySummary();
  const examples = new Map<string, ErrorExample>();
  let inErrorFile = 0;
  for (const file of filesOf(api, undefined, outs.errorFileId, {
    id,
    ...(outs.status === undefined ? {} : { status: outs.status }),
  })) {
    for await (const line of resultLines(file)) {
      const text = line.bytes.toString("utf8");
      if (text.trim() === "") continue;
      const { customId, record } = resultOfLine(text);
      inErrorFile += 1;
      countRecord(summary, { custom_id: customId ?? "", ...record });
      if (record.error !== undefined && record.status !== "succeeded" && !examples.has(record.error.code)) {
        examples.set(record.error.code, { message: record.error.message, customId: customId ?? "" });
      }
    }
  }
  summary.succeeded += counts.completed;
  const absent = Math.max(0, counts.total - counts.completed - inErrorFile);
  if (absent > 0) {
    const record = absentRecord(outs.status);
    summary[record.status] += absent;
    const code = record.error?.code ?? record.status;
    summary.errorCodes[code] = (summary.errorCodes[code] ?? 0) + absent;
  }
  return { outs: { ...outs, resultsSummary: summary }, examples };
}
