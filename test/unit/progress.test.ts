import { describe, expect, test } from "vitest";
import { createLogger } from "../../provider/runtime/logger";
import {
  formatProgress,
  PROGRESS_HEARTBEAT_MS,
  ProgressReporter,
  resourceNameOf,
} from "../../provider/runtime/progress";

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const running = (completed: number, failed = 0, total = 50_000) => ({
  id: "batch_abc",
  status: "in_progress",
  request_counts: { total, completed, failed },
  expires_at: (NOW + 21 * HOUR + 30 * 60_000) / 1000,
});

describe("formatProgress", () => {
  test.each([
    [running(12_397, 3), undefined, "batch_abc in_progress: 12,400/50,000 done, 3 failed, expires in 21h"],
    [running(10), "questions", "questions: batch_abc in_progress: 10/50,000 done, expires in 21h"],
    [
      {
        id: "batch_abc",
        status: "validating",
        request_counts: { total: 0, completed: 0, failed: 0 },
        expires_at: (NOW + 40 * 60_000) / 1000,
      },
      undefined,
      "batch_abc validating: expires in 40m",
    ],
    [
      { id: "batch_abc", status: "finalizing", expires_at: (NOW + 30_000) / 1000 },
      undefined,
      "batch_abc finalizing: expires in under a minute",
    ],
    [
      { id: "batch_abc", status: "in_progress", expires_at: (NOW - 1000) / 1000 },
      undefined,
      "batch_abc in_progress: past its expiry time",
    ],
    [{ ...running(4, 0, 4), status: "completed" }, "q", "q: batch_abc completed: 4/4 done"],
    [
      { id: "batch_abc", status: "cancelling", request_counts: null, expires_at: null },
      undefined,
      "batch_abc cancelling",
    ],
    [
      {
        id: "batch_\u202ecba",
        status: "\u001b[2J\u001b]0;t\u0007\nfake",
        request_counts: null,
        expires_at: null,
      },
      undefined,
      "batch_\\u202ecba \\x1b[2J\\x1b]0;t\\x07\\nfake",
    ],
    [
      { id: `batch_${"x".repeat(200)}`, status: "s".repeat(100), request_counts: null, expires_at: null },
      undefined,
      `batch_${"x".repeat(94)}…(cut) ${"s".repeat(40)}…(cut)`,
    ],
  ])("%j as %s", (batch, name, line) => {
    expect(formatProgress(batch, NOW, name)).toBe(line);
  });
});

describe("the logger", () => {
  test("each message is one line, the server's text in it escaped", () => {
    const lines: string[] = [];
    const log = createLogger("debug", (line) => lines.push(line));
    log.warn("polling failed (\u001b[2J\nfake line)");
    expect(lines).toEqual(["[pulumi-openai-batch] warn: polling failed (\\x1b[2J\\nfake line)\n"]);
  });
});

describe("ProgressReporter", () => {
  test("writes a line when the status or the counts change, and otherwise at least every heartbeat", () => {
    const lines: string[] = [];
    const reporter = new ProgressReporter((line) => lines.push(line), undefined);
    let now = NOW;
    const at = (batch: ReturnType<typeof running>, advanceMs: number) => {
      now += advanceMs;
      reporter.observe(batch, now);
    };
    at({ ...running(0), status: "validating" }, 0); // first poll: a line
    at({ ...running(0), status: "validating" }, 1000); // nothing new
    at(running(0), 1000); // status changed
    at(running(0), 60_000); // nothing new
    at(running(100), 60_000); // counts changed
    at(running(100), PROGRESS_HEARTBEAT_MS - 1); // not yet due
    at(running(100), 1); // heartbeat due
    at(running(100), 60_000); // nothing new
    expect(lines.map((line) => line.split(":")[0])).toEqual([
      "batch_abc validating",
      "batch_abc in_progress",
      "batch_abc in_progress",
      "batch_abc in_progress",
    ]);
    expect(lines[2]).toContain("100/50,000 done");
    expect(lines).toHaveLength(4);
  });
});

test.each([
  ["proj/dev/questions", "questions"],
  ["proj/dev/a/b", "a/b"],
  ["proj/dev/child@urn:pulumi:dev::proj::my:Parent::p", "child"],
  ["urn:pulumi:dev::proj::openai-batch:index:Batch::nightly", "nightly"],
  [undefined, undefined],
])("resourceNameOf(%j) is %j", (key, name) => {
  expect(resourceNameOf(key)).toBe(name);
});
