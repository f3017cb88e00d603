import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { isBatchInputFileError } from "../../provider/errors";
import {
  describeFileSystemError,
  describeNonRegular,
  openInputFile,
} from "../../provider/validation/jsonl/open-input-file";

const codeError = (code: unknown) => Object.assign(new Error(`raw ${String(code)}`), { code });

describe("describeFileSystemError: why a file system call failed, in plain words", () => {
  test.each([
    ["ENOENT", "there is no such file"],
    ["EISDIR", "it is a directory"],
    ["ENOTDIR", "a part of the path is not a directory"],
    ["EACCES", "permission denied"],
    ["EPERM", "permission denied"],
    ["ELOOP", "too many levels of symbolic links"],
    ["ENAMETOOLONG", "the name is too long"],
    ["EMFILE", "too many files are open"],
    ["ENFILE", "too many files are open"],
    ["EIO", "the system refused it (EIO)"],
  ])("%s is %j", (code, words) => {
    expect(describeFileSystemError(codeError(code))).toBe(words);
  });

  test.each([
    ["an error without a code gives its message", new Error("disk on fire"), "disk on fire"],
    ["a code that is not a string is no code", codeError(5), "raw 5"],
    ["a value that is not an error is spelled out", "gone", "gone"],
    ["null is spelled out", null, "null"],
  ])("%s", (_name, error, words) => {
    expect(describeFileSystemError(error)).toBe(words);
  });
});

describe("openInputFile refuses what is not a regular file, naming it", () => {
  const dir = mkdtempSync(join(tmpdir(), "open-input-"));
  let server: Server;
  const socket = join(dir, "socket");
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test("what each kind of entry is", () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    writeFileSync(join(dir, "file.jsonl"), "{}\n");
    expect(describeNonRegular(statSync(join(dir, "file.jsonl")))).toBeUndefined();
    expect(describeNonRegular(statSync(dir))).toBe("it is a directory");
    expect(describeNonRegular(statSync(fifo))).toBe("it is a named pipe (FIFO), not a regular file");
    expect(describeNonRegular(statSync(socket))).toBe("it is a socket, not a regular file");
    expect(describeNonRegular(statSync("/dev/null"))).toBe("it is a character device, not a regular file");
  });

  test.each([
    ["a directory", () => dir, "it is a directory; give the path of a .jsonl file"],
    ["a missing file", () => join(dir, "missing.jsonl"), "there is no such file"],
    ["a path through a file", () => join(dir, "file.jsonl", "x"), "a part of the path is not a directory"],
    [
      "a device",
      () => "/dev/zero",
      "it is a character device, not a regular file; give the path of a .jsonl file",
    ],
    [
      "a symbolic link to itself",
      () => {
        const loop = join(dir, "loop");
        symlinkSync(loop, loop);
        return loop;
      },
      "too many levels of symbolic links",
    ],
  ])("%s", async (_name, pathOf, reason) => {
    writeFileSync(join(dir, "file.jsonl"), "{}\n");
    const path = pathOf();
    const error = await openInputFile(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBatchInputFileError(error)).toBe(true);
    expect(error).toMatchObject({ path, reason, message: `cannot read ${path}: ${reason}` });
  });

  test("a regular file opens with its size", async () => {
    writeFileSync(join(dir, "file.jsonl"), "{}\n");
    const { handle, size } = await openInputFile(join(dir, "file.jsonl"));
    await handle.close();
    expect(size).toBe(3);
  });
});
