/**
 * Child process of the results figures: joins a batch's output and error files with its input,
 * either with the package's streamed join or the naive way, and reports the time, the peak RSS
 * growth and a digest of the records. Usage: node results-probe.js <stream|naive> <input> <output> <errors>
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { inputRequests } from "../../provider/results/input";
import { joinWithInput } from "../../provider/results/join";
import type { BatchResultRecord } from "../../provider/results/types";
import { serveInChild } from "../lib/child";
import { type Measurement, measure } from "../lib/measure";

export type ResultsProbeKind = "stream" | "naive";

export interface ResultsProbeResult {
  records: number;
  succeeded: number;
  /** sha256 over every record's custom_id, status and line, in the order they came. */
  digest: string;
}

function summarise(records: Iterable<BatchResultRecord> | AsyncIterable<BatchResultRecord>) {
  return (async () => {
    const hash = createHash("sha256");
    let count = 0;
    let succeeded = 0;
    for await (const record of records) {
      count += 1;
      if (record.status === "succeeded") succeeded += 1;
      hash.update(`${record.custom_id}\u0000${record.status}\u0000${record.line}\n`);
    }
    return { records: count, succeeded, digest: hash.digest("hex") };
  })();
}

/** The package's join: streamed from disk, records in input order. */
function streamed(input: string, output: string, errors: string): Promise<ResultsProbeResult> {
  const file = (kind: "output" | "error", path: string) => ({
    kind,
    id: path,
    open: async () => createReadStream(path, { highWaterMark: 64 << 10 }) as AsyncIterable<Buffer>,
  });
  return summarise(
    joinWithInput(
      [{ status: "completed", files: [file("output", output), file("error", errors)] }],
      inputRequests(input),
    ),
  );
}

/** Read both files whole, JSON.parse every line, a Map by custom_id, then walk the input. */
function naive(input: string, output: string, errors: string): Promise<ResultsProbeResult> {
  const byId = new Map<string, BatchResultRecord>();
  for (const path of [output, errors]) {
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (line === "") continue;
      const value = JSON.parse(line) as {
        custom_id: string;
        response: { status_code: number; body: { error?: { code: string; message: string } } } | null;
        error: { code: string; message: string } | null;
      };
      const code = value.response?.status_code;
      const ok = code !== undefined && code >= 200 && code < 300;
      const error = value.response?.body.error ?? value.error ?? undefined;
      byId.set(value.custom_id, {
        custom_id: value.custom_id,
        status: ok ? "succeeded" : "failed",
        ...(code === undefined ? {} : { statusCode: code }),
        ...(value.response ? { body: value.response.body } : {}),
        ...(ok || error === undefined ? {} : { error }),
      });
    }
  }
  const records: BatchResultRecord[] = [];
  readFileSync(input, "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line === "") return;
      const id = (JSON.parse(line) as { custom_id: string }).custom_id;
      const found = byId.get(id);
      records.push(
        found === undefined
          ? { custom_id: id, line: index + 1, status: "missing" }
          : { ...found, line: index + 1 },
      );
    });
  return summarise(records);
}

if (require.main === module) {
  const [kind, input, output, errors] = process.argv.slice(2) as [ResultsProbeKind, string, string, string];
  serveInChild<Measurement<ResultsProbeResult>>(() =>
    measure(() => (kind === "naive" ? naive(input, output, errors) : streamed(input, output, errors))),
  );
}
