import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import { FaultInjector } from "../../provider/emulator/faults/injector";
import { pathMatches } from "../../provider/emulator/faults/match";
import { maskKey } from "../../provider/emulator/http/auth";
import { readMultipart } from "../../provider/emulator/http/multipart";
import {
  forceRefusal,
  type LifecycleView,
  nextStep,
  progressTarget,
} from "../../provider/emulator/lifecycle";
import { isLoopback } from "../../provider/emulator/server";
import { multipart } from "./support/raw-http";

describe("lifecycle steps", () => {
  const d = { validatingMs: 100, inProgressMs: 1000, finalizingMs: 50, cancellingMs: 70 };
  const base: LifecycleView = {
    status: "validating",
    phaseStartMs: 0,
    expiresMs: 86_400_000,
    stuck: false,
    total: 10,
    done: 0,
  };
  test.each([
    ["validating, not yet due", base, 99, undefined],
    ["validating, due", base, 100, { kind: "validate", at: 100 }],
    ["validating, stuck", { ...base, stuck: true }, 10_000, undefined],
    [
      "validating, stuck past the window",
      { ...base, stuck: true },
      86_400_000,
      { kind: "expire", at: 86_400_000 },
    ],
    [
      "in_progress, a third of the time",
      { ...base, status: "in_progress" },
      333,
      { kind: "execute", at: 333, untilLine: 3 },
    ],
    ["in_progress, those lines done", { ...base, status: "in_progress", done: 3 }, 333, undefined],
    [
      "in_progress, long after the end",
      { ...base, status: "in_progress", done: 4 },
      50_000,
      { kind: "execute", at: 1000, untilLine: 10 },
    ],
    [
      "in_progress, all done",
      { ...base, status: "in_progress", done: 10 },
      50_000,
      { kind: "finalize", at: 1000 },
    ],
    ["in_progress, stuck", { ...base, status: "in_progress", stuck: true }, 50_000, undefined],
    [
      "finalizing, due",
      { ...base, status: "finalizing", phaseStartMs: 1000 },
      1050,
      { kind: "complete", at: 1050 },
    ],
    [
      "cancelling, due",
      { ...base, status: "cancelling", phaseStartMs: 500 },
      570,
      { kind: "cancel", at: 570 },
    ],
    [
      "cancelling, stuck past the window",
      { ...base, status: "cancelling", stuck: true },
      86_400_001,
      { kind: "cancel", at: 86_400_000 },
    ],
    ["completed", { ...base, status: "completed" }, 99_999_999, undefined],
  ] as [string, LifecycleView, number, unknown][])("%s", (_name, view, now, expected) => {
    expect(nextStep(view, d, now)).toEqual(expected);
  });

  test("progress is spread evenly over the in-progress time", () => {
    expect([0, 250, 500, 999, 1000, 2000].map((at) => progressTarget(8, 0, 1000, at))).toEqual([
      0, 2, 4, 7, 8, 8,
    ]);
    expect(progressTarget(8, 0, 0, 0)).toBe(8);
  });

  test("statuses are only forced forward", () => {
    expect(forceRefusal("validating", "completed")).toBeUndefined();
    expect(forceRefusal("in_progress", "in_progress")).toBeUndefined();
    expect(forceRefusal("finalizing", "in_progress")).toBe(
      "a batch cannot go back from finalizing to in_progress",
    );
    expect(forceRefusal("failed", "completed")).toBe("the batch is already failed");
    expect(forceRefusal("cancelling", "expired")).toBe("a cancelling batch can only become cancelled");
  });
});

describe("fault rules", () => {
  test.each([
    [undefined, "/v1/anything/at/all", true],
    ["/v1/batches", "/v1/batches", true],
    ["/v1/batches", "/v1/batches/batch_1", false],
    ["/v1/batches/*", "/v1/batches/batch_1", true],
    ["/v1/batches/*", "/v1/batches/batch_1/cancel", false],
    ["/v1/batches/*/cancel", "/v1/batches/batch_1/cancel", true],
  ])("pattern %s on %s: %s", (pattern, path, expected) => {
    expect(pathMatches(pattern, path)).toBe(expected);
  });

  test("latency adds up and the first failing rule wins", () => {
    const injector = new FaultInjector();
    injector.setRules([
      { kind: "latency", latencyMs: 5 },
      { kind: "rate_limit", count: 1 },
      { kind: "latency", latencyMs: 7 },
      { kind: "server_error", count: 1 },
    ]);
    expect(injector.decide("GET", "/v1/files")).toEqual({
      latencyMs: 12,
      failure: { kind: "rate_limit", retryAfterSeconds: 1 },
      recorded: "rate_limit",
    });
    expect(injector.decide("GET", "/v1/files")).toEqual({
      latencyMs: 12,
      failure: { kind: "server_error", retryAfterSeconds: 1 },
      recorded: "server_error",
    });
    expect(injector.decide("GET", "/v1/files")).toEqual({ latencyMs: 12, recorded: "latency" });
  });
});

describe("admin clients", () => {
  test.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["10.0.0.2", false],
    ["::ffff:192.168.1.4", false],
    [undefined, false],
  ])("%s is loopback: %s", (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe("API key masking", () => {
  test.each([
    ["sk-abcdefghijklmnopqrstuvwxyz", "sk-ab***xyz"],
    ["short", "*****"],
  ])("%s shows as %s", (key, shown) => {
    expect(maskKey(key)).toBe(shown);
  });
});

describe("multipart parser", () => {
  const dir = mkdtempSync(join(tmpdir(), "emulator-multipart-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const temp = () => join(dir, `t${n++}`);
  const limits = { maxFileBytes: 1 << 20, maxFieldBytes: 1024, maxParts: 8 };

  function request(body: Buffer, chunkSize: number, boundary = "XyZ"): IncomingMessage {
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += chunkSize) chunks.push(body.subarray(i, i + chunkSize));
    const stream = Readable.from(chunks) as unknown as IncomingMessage;
    stream.headers = { "content-type": `multipart/form-data; boundary=${boundary}` };
    return stream;
  }

  const fileData = "line one\r\nx--XyZ\r\n--Xy\r\n\r\n-XyZ\nend\r\n";
  const body = Buffer.from(
    `preamble\r\n${multipart("XyZ", [
      ["purpose", "batch"],
      ["file", fileData, 'na"me.jsonl'],
      ["expires_after[seconds]", "3600"],
    ])}epilogue`,
  );

  test.each([1, 2, 3, 5, 7, 16, 64, 1 << 16])(
    "the same parts come out when the body arrives %i bytes at a time",
    async (size) => {
      const form = await readMultipart(request(body, size), temp, limits);
      expect(Object.fromEntries(form.fields)).toEqual({ purpose: "batch", "expires_after[seconds]": "3600" });
      const file = form.files.get("file")!;
      expect(file).toMatchObject({
        field: "file",
        filename: 'na"me.jsonl',
        contentType: "application/octet-stream",
        bytes: fileData.length,
      });
      expect(readFileSync(file.path, "utf8")).toBe(fileData);
    },
  );

  test("a file part over the limit is a 413 and its temporary file is deleted", async () => {
    const big = Buffer.from(multipart("XyZ", [["file", "x".repeat(2000), "a.jsonl"]]));
    const made: string[] = [];
    const tracked = () => {
      made.push(temp());
      return made[made.length - 1]!;
    };
    const error = await readMultipart(request(big, 100), tracked, { ...limits, maxFileBytes: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 413, code: "request_too_large" });
    expect(made).toHaveLength(1);
    expect(existsSync(made[0]!)).toBe(false);
  });
});
