import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { absentRecord, customIdOf, resultOfLine } from "../../provider/results/classify";
import { joinWithInput, joinWithoutInput, type ResultAttempt } from "../../provider/results/join";
import { LineTooLongError, MAX_LINE_BYTES, splitLines } from "../../provider/results/lines";
import { countRecord, describeSummary, emptySummary } from "../../provider/results/summary";
import { tempRoot } from "../../provider/results/temp-space";
import type { BatchResultRecord } from "../../provider/results/types";

/** Bytes cut into pieces of `size`, so that lines straddle chunks. */
async function* chunks(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const ok = (id: string, n = 1) =>
  JSON.stringify({ id: `r-${id}`, custom_id: id, response: { status_code: 200, body: { n } }, error: null });
const refused = (id: string, status: number, code: string) =>
  JSON.stringify({
    id: `r-${id}`,
    custom_id: id,
    response: { status_code: status, body: { error: { code, message: `${code} happened` } } },
    error: null,
  });
const notRun = (id: string, code: string) =>
  JSON.stringify({ id: `r-${id}`, custom_id: id, response: null, error: { code, message: `${code}!` } });

function attempt(output: string[], errors: string[], extra: Partial<ResultAttempt> = {}): ResultAttempt {
  return {
    ...extra,
    files: [
      { kind: "output", id: "file-out", open: async () => chunks(output.map((l) => `${l}\n`).join("")) },
      { kind: "error", id: "file-err", open: async () => chunks(errors.map((l) => `${l}\n`).join("")) },
    ],
  };
}

async function* inputOf(...ids: string[]) {
  for (const [i, customId] of ids.entries()) yield { customId, line: i + 1 };
}

async function all<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const record of records) out.push(record);
  return out;
}

const brief = (records: BatchResultRecord[]) =>
  records.map((r) => [r.custom_id, r.line, r.status, r.statusCode, r.error?.code]);

describe("resultOfLine", () => {
  test.each([
    [ok("a"), { status: "succeeded", statusCode: 200, body: { n: 1 } }],
    [
      refused("a", 500, "server_error"),
      {
        status: "failed",
        statusCode: 500,
        body: { error: { code: "server_error", message: "server_error happened" } },
        error: { code: "server_error", message: "server_error happened" },
      },
    ],
    [
      JSON.stringify({ custom_id: "a", response: { status_code: 429, body: {} } }),
      {
        status: "failed",
        statusCode: 429,
        body: {},
        error: { code: "http_429", message: "The request was answered with status 429." },
      },
    ],
    [
      notRun("a", "batch_expired"),
      { status: "expired", error: { code: "batch_expired", message: "batch_expired!" } },
    ],
    [
      notRun("a", "batch_cancelled"),
      { status: "cancelled", error: { code: "batch_cancelled", message: "batch_cancelled!" } },
    ],
    [
      notRun("a", "invalid_json_line"),
      { status: "failed", error: { code: "invalid_json_line", message: "invalid_json_line!" } },
    ],
  ])("%s", (line, record) => {
    expect(resultOfLine(line)).toEqual({ customId: "a", record });
  });

  test("a line that is not JSON is refused", () => {
    expect(() => resultOfLine("{oops")).toThrow("the line is not valid JSON");
  });

  test.each([
    ['{"id":"x","custom_id":"q-1","response":{}}', "q-1"],
    ['{"custom_id": "q\\"2", "method":"POST"}', 'q"2'],
    ['{"response":{"body":{"custom_id":"inner"}},"custom_id":"outer"}', "outer"],
    ['{"id":"x","custom_id":null}', null],
    ['{"id":"x"}', undefined],
    ["not json", undefined],
  ])("customIdOf(%s)", (line, id) => {
    expect(customIdOf(line)).toBe(id);
  });

  test.each([
    ["cancelled", "cancelled", "batch_cancelled"],
    ["expired", "expired", "batch_expired"],
    ["completed", "missing", "missing"],
    [undefined, "missing", "missing"],
  ])("a request in no file of a %s batch is %s", (batchStatus, status, code) => {
    expect(absentRecord(batchStatus)).toMatchObject({ status, error: { code } });
  });
});

describe("splitLines", () => {
  test("numbers lines across chunks, skips blank ones, drops \\r, keeps a last line without \\n", async () => {
    const lines = await all(splitLines(chunks('{"a":1}\r\n\n{"b":22}\n{"c":333}', 3)));
    expect(lines.map((l) => [l.number, l.bytes.toString(), l.offset, l.crlf])).toEqual([
      [1, '{"a":1}', 0, true],
      [3, '{"b":22}', 10, false],
      [4, '{"c":333}', 19, false],
    ]);
  });
});

describe("splitLines: bounded lines", () => {
  test("the bound is the API's 200 MiB file limit", () => {
    expect(MAX_LINE_BYTES).toBe(200 * 1024 * 1024);
  });

  test("a line of exactly the bound passes, with or without \\r\\n", async () => {
    const lines = await all(splitLines(chunks("0123456789\r\nabcdefghij\n0123456789", 4), 10));
    expect(lines.map((l) => [l.number, l.bytes.toString(), l.offset])).toEqual([
      [1, "0123456789", 0],
      [2, "abcdefghij", 12],
      [3, "0123456789", 23],
    ]);
  });

  test.each([
    ["a line break never comes", "ok\n", undefined],
    ["a line in the middle is too long, and lines follow", "ok\nfine\n", "xyz\nok\n"],
  ])(
    "%s: an error with the line and the byte it starts at, before more is held",
    async (_case, head, tail) => {
      let pulled = 0;
      async function* source(): AsyncGenerator<Uint8Array> {
        yield Buffer.from(head);
        // Far past the bound, without end as far as the bound goes (a reader without one ends too).
        for (let sent = 0; sent < (tail === undefined ? 3_000 : 30); sent += 3) {
          pulled += 3;
          yield Buffer.from("xyz");
        }
        yield Buffer.from(tail ?? "");
      }
      const error = await all(splitLines(source(), 10)).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(LineTooLongError);
      const { line, offset } = error as LineTooLongError;
      const lines = head.split("\n").length;
      expect([line, offset]).toEqual([lines, head.length]);
      expect((error as Error).message).toBe(
        `line ${lines}: it starts at byte ${head.length} and runs past 10 bytes without a line break; a line may be at most 10 bytes (200 MiB, the API's limit on a whole batch file), so this is not a file of JSONL lines`,
      );
      expect(pulled).toBe(12);
    },
  );

  test("a last line without a line break one byte over the bound is refused", async () => {
    const error = await all(splitLines(chunks("ok\n0123456789a", 20), 10)).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(LineTooLongError);
    expect([(error as LineTooLongError).line, (error as LineTooLongError).offset]).toEqual([2, 3]);
  });

  test("through a join, the error names the result file and the byte", async () => {
    const endless: ResultAttempt = {
      files: [
        {
          kind: "output",
          id: "file-out",
          open: async () =>
            (async function* () {
              yield Buffer.from(`${ok("a")}\n`);
              // 210 MiB of blanks without a line break, one buffer sent again and again.
              const blanks = Buffer.alloc(1 << 20, 0x20);
              for (let sent = 0; sent < 210; sent += 1) yield blanks;
            })(),
        },
      ],
    };
    const error = await all(joinWithoutInput([endless])).catch((failure: unknown) => failure as Error);
    expect((error as Error).message).toBe(
      `line 2 of the output file file-out: it starts at byte ${ok("a").length + 1} and runs past 209,715,200 bytes without a line break; a line may be at most 209,715,200 bytes (200 MiB, the API's limit on a whole batch file), so this is not a file of JSONL lines`,
    );
  });
});

describe("joinWithInput", () => {
  test("input order whatever the file order; missing requests; unknown custom_ids come last without a line", async () => {
    const records = await all(
      joinWithInput(
        [
          attempt([ok("c"), ok("stranger"), ok("a")], [refused("b", 500, "server_error")], {
            status: "completed",
          }),
        ],
        inputOf("a", "b", "c", "d"),
      ),
    );
    expect(brief(records)).toEqual([
      ["a", 1, "succeeded", 200, undefined],
      ["b", 2, "failed", 500, "server_error"],
      ["c", 3, "succeeded", 200, undefined],
      ["d", 4, "missing", undefined, "missing"],
      ["stranger", undefined, "succeeded", 200, undefined],
    ]);
    expect(records[0]).toEqual({
      custom_id: "a",
      line: 1,
      status: "succeeded",
      statusCode: 200,
      body: { n: 1 },
    });
  });

  test("one batch: lines in input order and lines ahead of their turn; a custom_id seen twice gives one record, the error file's", async () => {
    const records = await all(
      joinWithInput(
        [
          attempt(
            [ok("a"), ok("d", 1), ok("b"), ok("c"), ok("d", 2), ok("e"), ok("a", 2)],
            [refused("b", 500, "server_error")],
            { status: "completed" },
          ),
        ],
        inputOf("a", "b", "c", "d", "e"),
      ),
    );
    expect(brief(records)).toEqual([
      ["a", 1, "succeeded", 200, undefined],
      ["b", 2, "failed", 500, "server_error"],
      ["c", 3, "succeeded", 200, undefined],
      ["d", 4, "succeeded", 200, undefined],
      ["e", 5, "succeeded", 200, undefined],
    ]);
    // A request answered twice keeps its first answer, the one in its place.
    expect(records[0]?.body).toEqual({ n: 1 });
    expect(records[3]?.body).toEqual({ n: 1 });
  });

  test("requests a cancelled batch never ran are cancelled; an expired batch's are expired", async () => {
    const cancelled = await all(
      joinWithInput([attempt([ok("a")], [], { status: "cancelled" })], inputOf("a", "b")),
    );
    expect(brief(cancelled)).toEqual([
      ["a", 1, "succeeded", 200, undefined],
      ["b", 2, "cancelled", undefined, "batch_cancelled"],
    ]);
    const expired = await all(
      joinWithInput([attempt([], [notRun("a", "batch_expired")], { status: "expired" })], inputOf("a", "b")),
    );
    expect(brief(expired)).toEqual([
      ["a", 1, "expired", undefined, "batch_expired"],
      ["b", 2, "expired", undefined, "batch_expired"],
    ]);
  });

  test("each request takes its last attempt, even one its last attempt never ran", async () => {
    const records = await all(
      joinWithInput(
        [
          attempt([ok("a")], [refused("b", 500, "server_error"), refused("c", 429, "rate_limit_exceeded")], {
            status: "completed",
          }),
          attempt([ok("b", 2)], [], { status: "cancelled", customIds: new Set(["b", "c"]) }),
        ],
        inputOf("a", "b", "c"),
      ),
    );
    expect(brief(records)).toEqual([
      ["a", 1, "succeeded", 200, undefined],
      ["b", 2, "succeeded", 200, undefined],
      ["c", 3, "cancelled", undefined, "batch_cancelled"],
    ]);
    expect(records[1]?.body).toEqual({ n: 2 });
  });

  test("result lines of no request come last, after the input, whichever path the join takes", async () => {
    const unnamed = JSON.stringify({
      id: "r-x",
      custom_id: null,
      response: null,
      error: { code: "x", message: "x" },
    });
    // One batch: a stranger and a repeat of a request already given arrive after the input's last request.
    const one = await all(
      joinWithInput([attempt([ok("a"), ok("stranger", 2), ok("a", 3), unnamed], [])], inputOf("a")),
    );
    expect(brief(one)).toEqual([
      ["a", 1, "succeeded", 200, undefined],
      ["stranger", undefined, "succeeded", 200, undefined],
      ["", undefined, "failed", undefined, "x"],
    ]);
    expect(one[1]?.body).toEqual({ n: 2 });
    // Several attempts: the same, from the first batch and from a retry.
    const several = await all(
      joinWithInput(
        [
          attempt([ok("a"), ok("stranger")], [refused("b", 500, "server_error")], { status: "completed" }),
          attempt([ok("b", 2), unnamed, ok("newcomer")], [], {
            status: "completed",
            customIds: new Set(["b"]),
          }),
        ],
        inputOf("a", "b"),
      ),
    );
    expect(brief(several)).toEqual([
      ["a", 1, "succeeded", 200, undefined],
      ["b", 2, "succeeded", 200, undefined],
      ["stranger", undefined, "succeeded", 200, undefined],
      ["newcomer", undefined, "succeeded", 200, undefined],
      ["", undefined, "failed", undefined, "x"],
    ]);
  });

  test("a join leaves no spool folder behind, on either path", async () => {
    const saved = process.env.TMPDIR;
    const dir = mkdtempSync(join(tmpdir(), "join-spool-"));
    process.env.TMPDIR = dir;
    try {
      await all(joinWithInput([attempt([ok("b"), ok("a")], [])], inputOf("a", "b")));
      await all(
        joinWithInput(
          [
            attempt([ok("a")], [refused("b", 500, "server_error")]),
            attempt([ok("b")], [], { customIds: new Set(["b"]) }),
          ],
          inputOf("a", "b"),
        ),
      );
      const root = tempRoot();
      expect(root.startsWith(dir)).toBe(true);
      expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a result line without custom_id names the file and the line", async () => {
    const records = all(joinWithInput([attempt([ok("a"), '{"id":"x"}'], [])], inputOf("a")));
    await expect(records).rejects.toThrow("line 2 of the output file file-out: it has no custom_id");
  });
});

describe("joinWithoutInput", () => {
  test("output order, then error order, without line numbers", async () => {
    const records = await all(
      joinWithoutInput([attempt([ok("b"), ok("a")], [notRun("c", "batch_expired")])]),
    );
    expect(brief(records)).toEqual([
      ["b", undefined, "succeeded", 200, undefined],
      ["a", undefined, "succeeded", 200, undefined],
      ["c", undefined, "expired", undefined, "batch_expired"],
    ]);
  });
});

describe("summary", () => {
  test("the codes it names are the server's text: escaped, and cut to 100 characters", () => {
    const summary = emptySummary();
    countRecord(summary, { custom_id: "a", status: "failed", error: { code: "\u001b[2J", message: "x" } });
    countRecord(summary, {
      custom_id: "b",
      status: "failed",
      error: { code: "c".repeat(300), message: "x" },
    });
    expect(describeSummary(summary)).toBe(
      `2 requests: 0 succeeded, 2 failed (\\x1b[2J 1, ${"c".repeat(100)}…(cut) 1)`,
    );
  });

  test("codes by count, then by name; cancelled counted in the total; no codes, no brackets", () => {
    const summary = emptySummary();
    const failed = (code: string): BatchResultRecord => ({
      custom_id: code,
      status: "failed",
      error: { code, message: "x" },
    });
    const records: BatchResultRecord[] = [
      failed("b_code"),
      { custom_id: "c", status: "cancelled", error: { code: "batch_cancelled", message: "x" } },
      failed("a_code"),
      failed("z"),
      failed("z"),
      // A succeeded line with an error object is not counted among the codes.
      { custom_id: "s", status: "succeeded", error: { code: "odd", message: "x" } },
    ];
    for (const record of records) countRecord(summary, record);
    expect(describeSummary(summary)).toBe(
      "6 requests: 1 succeeded, 4 failed, 1 cancelled (z 2, a_code 1, b_code 1, batch_cancelled 1)",
    );
    const fine = emptySummary();
    countRecord(fine, { custom_id: "a", status: "succeeded" });
    expect(describeSummary(fine)).toBe("1 request: 1 succeeded");
  });

  test("counts statuses and error codes of unsuccessful records", () => {
    const summary = emptySummary();
    const records: BatchResultRecord[] = [
      { custom_id: "a", status: "succeeded" },
      { custom_id: "b", status: "failed", error: { code: "server_error", message: "x" } },
      { custom_id: "c", status: "failed", error: { code: "server_error", message: "x" } },
      { custom_id: "d", status: "expired", error: { code: "batch_expired", message: "x" } },
      { custom_id: "e", status: "missing", error: { code: "missing", message: "x" } },
    ];
    for (const record of records) countRecord(summary, record);
    expect(summary).toEqual({
      succeeded: 1,
      failed: 2,
      expired: 1,
      cancelled: 0,
      missing: 1,
      errorCodes: { server_error: 2, batch_expired: 1, missing: 1 },
    });
    expect(describeSummary(summary)).toBe(
      "5 requests: 1 succeeded, 2 failed, 1 expired, 1 missing (server_error 2, batch_expired 1, missing 1)",
    );
  });
});
