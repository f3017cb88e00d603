import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { isBatchInputFileError } from "../../provider/errors";
import { checkBatch } from "../../provider/runtime/check";
import { prepareUpload } from "../../provider/runtime/upload-body";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";

const CHAT = "/v1/chat/completions";
const LINE = JSON.stringify({
  custom_id: "a",
  method: "POST",
  url: CHAT,
  body: { model: "m", messages: [{ role: "user", content: "hi" }] },
});
const dir = mkdtempSync(join(tmpdir(), "input-file-"));
const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
});

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync("mkfifo", [path]);
  return path;
}

async function refusal(path: string): Promise<{ path: string; reason: string }> {
  try {
    await validateBatchInput({ path }, { endpoint: CHAT });
  } catch (error) {
    if (isBatchInputFileError(error)) return { path: error.path, reason: error.reason };
    throw error;
  }
  throw new RangeError(`${path} was read`);
}

// Each of these would block or spin forever if the file were opened and read: the test timeout
// turns such a regression into a failure.
describe("an inputFile that is not a regular file is refused before it is opened", () => {
  test("a named pipe (FIFO) with no writer", { timeout: 10_000 }, async () => {
    const path = fifo("pipe.jsonl");
    expect(await refusal(path)).toEqual({
      path,
      reason: "it is a named pipe (FIFO), not a regular file; give the path of a .jsonl file",
    });
  });

  test("create's upload refuses a file swapped for a named pipe after check", {
    timeout: 10_000,
  }, async () => {
    const path = fifo("swapped.jsonl");
    await expect(
      prepareUpload({ endpoint: CHAT, inputFile: path, inputSha256: "0".repeat(64) }, dir),
    ).rejects.toThrow(
      `cannot read ${path}: it is a named pipe (FIFO), not a regular file; give the path of a .jsonl file`,
    );
  });

  test("a directory", async () => {
    const path = join(dir, "folder.jsonl");
    mkdirSync(path);
    expect(await refusal(path)).toEqual({
      path,
      reason: "it is a directory; give the path of a .jsonl file",
    });
  });

  test.each(["/dev/zero", "/dev/null", "/dev/urandom"])(
    "the character device %s",
    { timeout: 10_000 },
    async (path) => {
      expect(await refusal(path)).toEqual({
        path,
        reason: "it is a character device, not a regular file; give the path of a .jsonl file",
      });
    },
  );

  test("a socket", { timeout: 10_000 }, async () => {
    const path = join(dir, "socket.jsonl");
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(path, resolve));
    expect(await refusal(path)).toEqual({
      path,
      reason: "it is a socket, not a regular file; give the path of a .jsonl file",
    });
  });

  test("a missing file", async () => {
    const path = join(dir, "nope.jsonl");
    expect(await refusal(path)).toEqual({ path, reason: "there is no such file" });
  });

  test("check reports a FIFO on inputFile without hanging", { timeout: 10_000 }, async () => {
    fifo("check-pipe.jsonl");
    const result = await checkBatch({ endpoint: CHAT, inputFile: "check-pipe.jsonl" }, dir);
    expect(result.failures).toEqual([
      {
        property: "inputFile",
        reason: `cannot read ${join(dir, "check-pipe.jsonl")}: it is a named pipe (FIFO), not a regular file; give the path of a .jsonl file`,
      },
    ]);
  });
});

describe("reading stops at the limits whatever the size said", () => {
  test("a source that never ends is cut off after 200 MB", { timeout: 30_000 }, async () => {
    const chunk = Buffer.alloc(4 * 1024 * 1024, 0x20);
    let served = 0;
    async function* endless() {
      for (;;) {
        served += chunk.length;
        // Let timers run, so that the test timeout can end a read that never stops.
        await new Promise((resolve) => setImmediate(resolve));
        yield chunk;
      }
    }
    const report = await validateBatchInput({ stream: endless() }, { endpoint: CHAT });
    expect(report.ok).toBe(false);
    expect(report.problems.at(-1)).toEqual({
      message:
        "the input is more than 200 MB; a batch input file may be at most 200 MB, so split it into several batches, or give it to BatchSet, which splits it into batches for you",
    });
    expect(report.sha256).toBeUndefined();
    expect(served).toBeLessThanOrEqual(200 * 1024 * 1024 + chunk.length);
  });
});

describe("an inputFile outside the project is read, and messages name the resolved path", () => {
  const outside = mkdtempSync(join(tmpdir(), "input-outside-"));
  const project = join(dir, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(outside, "shared.jsonl"), `${LINE}\n`);
  writeFileSync(join(outside, "bad.jsonl"), `${LINE}\n${LINE}\n`);

  test.each([
    ["a ../ path", relative(project, join(outside, "shared.jsonl"))],
    ["an absolute path", join(outside, "shared.jsonl")],
  ])("%s is read", async (_name, inputFile) => {
    expect(inputFile.startsWith("../") || inputFile.startsWith("/")).toBe(true);
    const result = await checkBatch({ endpoint: CHAT, inputFile }, project);
    expect(result.failures).toEqual([]);
    expect(result.inputs.requestCount).toBe(1);
  });

  test("a problem in it names the file that was read", async () => {
    const inputFile = relative(project, join(outside, "bad.jsonl"));
    const result = await checkBatch({ endpoint: CHAT, inputFile }, project);
    expect(result.failures).toEqual([
      {
        property: "inputFile",
        reason: `${join(outside, "bad.jsonl")}:2: custom_id "a" is already used on line 1; every custom_id must be unique`,
      },
    ]);
  });
});
