/**
 * A results download cut off half-way resumes where it stopped, against the emulator over HTTP:
 * with `Range` (206), and with a server that ignores it and sends the whole file again (200).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { OPENAI_PROFILE } from "../../provider/backends";
import type { FaultRule } from "../../provider/emulator";
import { isBatchApiError } from "../../provider/errors";
import { type BatchResultRecord, readBatchResults } from "../../provider/results";
import { realDeps } from "../../provider/runtime/deps";
import { OpenAIBatchApi } from "../../provider/runtime/openai-api";
import { chatJsonl, createBatch, startTestEmulator, type TestEmulator } from "../emulator/support/harness";

const DURATIONS = { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 1_000, cancellingMs: 3_000 };
const COUNT = 40;
const CONTENT = "/v1/files/*/content";

let env: TestEmulator | undefined;
const dir = mkdtempSync(join(tmpdir(), "read-results-resume-"));
afterEach(async () => {
  await env?.close();
  env = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A completed batch of COUNT requests (the first two failed), its input file and output file id. */
async function finishedBatch(): Promise<{
  target: TestEmulator;
  id: string;
  input: string;
  outputId: string;
}> {
  const target = await startTestEmulator({
    durations: DURATIONS,
    faults: [{ kind: "request_failure", count: 2, statusCode: 503 }],
  });
  env = target;
  const created = await createBatch(target.client, chatJsonl(COUNT));
  await target.emulator.advance(60_000);
  const batch = await target.client.batches.retrieve(created.id);
  const input = join(dir, "requests.jsonl");
  writeFileSync(input, chatJsonl(COUNT));
  return { target, id: created.id, input, outputId: batch.output_file_id ?? "" };
}

function options(target: TestEmulator, input?: string) {
  const connection = { apiKey: target.emulator.apiKey, baseUrl: target.emulator.url };
  return input === undefined ? connection : { ...connection, input };
}

async function collect(records: AsyncIterable<BatchResultRecord>): Promise<BatchResultRecord[]> {
  const out: BatchResultRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

/** The status of every download of `fileId`, in order, with the fault it met. */
function downloads(target: TestEmulator, fileId: string): [number, string | undefined][] {
  return target.emulator
    .calls()
    .filter((call) => call.path === `/v1/files/${fileId}/content`)
    .map((call) => [call.status, call.fault]);
}

/**
 * The results read whole, then read again under `faults`: joined with the input, and without it
 * (in file order, where a line yielded twice or a half line would show).
 */
async function readWith(faultsFor: (outputContent: string) => FaultRule[]) {
  const { target, id, input, outputId } = await finishedBatch();
  const faults = faultsFor(`/v1/files/${outputId}/content`);
  const whole = await collect(readBatchResults(id, options(target, input)));
  const wholeInFileOrder = await collect(readBatchResults(id, options(target)));
  target.emulator.setFaults(faults);
  target.emulator.clearCalls();
  const resumed = await collect(readBatchResults(id, options(target, input)));
  target.emulator.setFaults(faults);
  const resumedInFileOrder = await collect(readBatchResults(id, options(target)));
  // The downloads of the first read (the log has a call's status once its answer is sent).
  const calls = downloads(target, outputId).slice(0, 3);
  expect(wholeInFileOrder).toHaveLength(COUNT);
  expect(resumedInFileOrder).toEqual(wholeInFileOrder);
  return { whole, resumed, calls };
}

describe("a cut-off results download resumes", () => {
  test("with Range: each resume asks from the byte where the cut was and gets a 206", async () => {
    const { whole, resumed, calls } = await readWith((output) => [
      { kind: "cut_download", path: output, count: 2, afterBytes: 1_001 },
    ]);
    expect(whole.map((record) => record.status)).toEqual([
      "failed",
      "failed",
      ...Array<string>(COUNT - 2).fill("succeeded"),
    ]);
    expect(resumed).toEqual(whole);
    expect(calls).toEqual([
      [200, "cut_download"],
      [206, "cut_download"],
      [206, undefined],
    ]);
  });

  test("without Range support: the whole file comes again with 200 and what was read is skipped", async () => {
    const { whole, resumed, calls } = await readWith((output) => [
      { kind: "ignore_range", path: output },
      { kind: "cut_download", path: output, count: 2, afterBytes: 1_777 },
    ]);
    expect(resumed).toEqual(whole);
    expect(calls).toEqual([
      [200, "cut_download"],
      [200, "cut_download"],
      [200, "ignore_range"],
    ]);
  });

  test("the bytes come once and in order, whatever the cut points", async () => {
    const { target, outputId } = await finishedBatch();
    const whole = Buffer.concat(await bytesOf(target, outputId));
    for (const ignoreRange of [false, true]) {
      const faults: FaultRule[] = [
        { kind: "cut_download", path: CONTENT, count: 1, afterBytes: 1 },
        { kind: "cut_download", path: CONTENT, count: 1, afterBytes: 517 },
        { kind: "cut_download", path: CONTENT, count: 1, afterBytes: 4_096 },
      ];
      target.emulator.setFaults(ignoreRange ? [{ kind: "ignore_range", path: CONTENT }, ...faults] : faults);
      expect(Buffer.concat(await bytesOf(target, outputId)).equals(whole)).toBe(true);
    }
  });

  test("a download cut every time with no new byte gives up, naming the file and how far it got", async () => {
    const { target, id, input, outputId } = await finishedBatch();
    const output = `/v1/files/${outputId}/content`;
    target.emulator.setFaults([
      { kind: "ignore_range", path: output },
      { kind: "cut_download", path: output, afterBytes: 300 },
    ]);
    target.emulator.clearCalls();
    const error = await collect(readBatchResults(id, options(target, input))).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isBatchApiError(error)).toBe(true);
    const size = (await target.client.files.retrieve(outputId)).bytes;
    expect((error as Error).message).toContain(`download file ${outputId}`);
    expect((error as Error).message).toContain(`cut off after 300 of ${size} bytes`);
    expect((error as Error).message).toContain("3 resumes in a row brought no new byte");
    expect((error as Error).message).not.toContain(target.emulator.apiKey);
    // The first answer, then resumes until three in a row (more than the default 2 retries) brought nothing.
    expect(downloads(target, outputId)).toHaveLength(4);
  });
});

async function bytesOf(target: TestEmulator, fileId: string): Promise<Buffer[]> {
  const api = new OpenAIBatchApi(
    {
      apiKey: target.emulator.apiKey,
      baseUrl: target.emulator.url,
      organization: undefined,
      project: undefined,
      maxRetries: 2,
      requestTimeoutMs: 30_000,
      backend: OPENAI_PROFILE,
      apiVersion: undefined,
      adToken: undefined,
      prices: undefined,
      problems: [],
    },
    realDeps({ sleep: async () => undefined }),
  );
  const content = await api.openFileContent(fileId);
  const chunks: Buffer[] = [];
  for await (const chunk of content ?? []) chunks.push(Buffer.from(chunk));
  return chunks;
}
