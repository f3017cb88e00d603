import { spawn } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, describe, expect, test } from "vitest";
import {
  type Emulator,
  type EmulatorOptions,
  isEmulatorStateError,
  startEmulator,
} from "../../provider/emulator";
import { chatJsonl, createBatch, REPO_ROOT, sortedCustomIds, uploadBatchFile } from "./support/harness";

/** The child that stops a save at a chosen point; it runs the compiled emulator `npm run build` left. */
const CRASH_AT_SAVE = join(REPO_ROOT, "test", "emulator", "support", "crash-at-save.cjs");
const EMULATOR_DIST = join(REPO_ROOT, "dist", "provider", "emulator", "index.js");

const DURATIONS = { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 1_000 };

const dirs: string[] = [];
const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "emulator-data-"));
  dirs.push(dir);
  return dir;
}

async function start(options: EmulatorOptions): Promise<{ emulator: Emulator; client: OpenAI }> {
  const emulator = await startEmulator({ manualClock: true, durations: DURATIONS, ...options });
  running.push(emulator);
  return { emulator, client: new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey, maxRetries: 0 }) };
}

describe("persistence in a data directory", () => {
  test("a restarted emulator has every file, batch, content, the key and the clock", async () => {
    const dir = dataDir();
    const first = await start({ dataDir: dir });
    const file = await uploadBatchFile(first.client, chatJsonl(2));
    const batch = await createBatch(first.client, chatJsonl(3));
    await first.emulator.advance(60_000);
    const done = await first.client.batches.retrieve(batch.id);
    const output = await (await first.client.files.content(done.output_file_id!)).text();
    const clock = first.emulator.now();
    const key = first.emulator.apiKey;
    await first.emulator.close();

    const second = await start({ dataDir: dir });
    expect(second.emulator.apiKey).toBe(key);
    expect(second.emulator.now()).toBe(clock);
    expect(await second.client.batches.retrieve(batch.id)).toEqual(done);
    expect(await (await second.client.files.content(file.id)).text()).toBe(chatJsonl(2));
    expect(await (await second.client.files.content(done.output_file_id!)).text()).toBe(output);
    expect(await sortedCustomIds(second.client, done.output_file_id!)).toEqual(["req-1", "req-2", "req-3"]);
    expect((await second.client.files.list()).data).toHaveLength(3);
  });

  test("a batch interrupted in_progress resumes after a restart and completes with every line once", async () => {
    const dir = dataDir();
    const first = await start({ dataDir: dir });
    const batch = await createBatch(first.client, chatJsonl(10));
    await first.emulator.advance(1_000 + 5_000);
    expect((await first.client.batches.retrieve(batch.id)).request_counts?.completed).toBe(5);
    await first.emulator.close();
    // As if the process had died after writing output the state never recorded:
    appendFileSync(join(dir, "work", `${batch.id}.output.jsonl`), '{"custom_id":"half-written');

    const second = await start({ dataDir: dir });
    await second.emulator.advance(60_000);
    const done = await second.client.batches.retrieve(batch.id);
    expect(done.status).toBe("completed");
    expect(await sortedCustomIds(second.client, done.output_file_id!)).toEqual(
      Array.from({ length: 10 }, (_, i) => `req-${i + 1}`),
    );
  });

  test("an explicit key replaces the kept one", async () => {
    const dir = dataDir();
    const first = await start({ dataDir: dir });
    await first.emulator.close();
    const second = await start({ dataDir: dir, apiKey: "sk-explicit-key-123" });
    expect(second.emulator.apiKey).toBe("sk-explicit-key-123");
    await second.emulator.close();
    const third = await start({ dataDir: dir });
    expect(third.emulator.apiKey).toBe("sk-explicit-key-123");
  });

  test.each([
    ["half of the new state is written", "mid-write", 1],
    ["the new state is written in full but not yet renamed", "before-rename", 1],
    ["the new state was renamed into place", "after-rename", 2],
  ])(
    "a process killed when %s leaves the old state or the new one, never a torn one",
    async (_when, point, files) => {
      if (!existsSync(EMULATOR_DIST)) {
        throw new RangeError(`${EMULATOR_DIST} is missing: run \`npm run build\` before this suite.`);
      }
      const dir = dataDir();
      const first = await start({ dataDir: dir });
      const kept = await uploadBatchFile(first.client, chatJsonl(1));
      await first.emulator.close();

      const child = spawn(process.execPath, [CRASH_AT_SAVE, EMULATOR_DIST, dir, point], {
        stdio: ["pipe", "pipe", "pipe"],
      });
      let before = "";
      let output = "";
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exit = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once("exit", (_code, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (before === "" && output.includes("STARTED")) {
            before = readFileSync(join(dir, "state.json"), "utf8");
            child.stdin.write("go\n");
          }
          if (output.includes(`HOOK ${point}`)) resolve();
        });
        void exit.then(() =>
          reject(new RangeError(`the child ended before the save reached ${point}: ${output}`)),
        );
      });
      child.kill("SIGKILL");
      expect(await exit).toBe("SIGKILL");

      const after = readFileSync(join(dir, "state.json"), "utf8");
      const state = JSON.parse(after) as { files: { id: string }[] };
      if (files === 1) expect(after).toBe(before);
      else expect(after).not.toBe(before);
      expect(state.files).toHaveLength(files);
      const second = await start({ dataDir: dir });
      const listed = (await second.client.files.list()).data;
      expect(listed).toHaveLength(files);
      expect(listed.map((f) => f.id)).toContain(kept.id);
      expect(await (await second.client.files.content(kept.id)).text()).toBe(chatJsonl(1));
    },
  );

  test("a save leaves no temporary file behind", async () => {
    const dir = dataDir();
    const first = await start({ dataDir: dir });
    await uploadBatchFile(first.client, chatJsonl(1));
    const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as {
      format: string;
      files: unknown[];
    };
    expect(state.format).toBe("openai-batch-emulator-state");
    expect(state.files).toHaveLength(1);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test.each([
    ["not JSON", "{ nope", "is not valid JSON"],
    [
      "another file",
      JSON.stringify({ hello: "world" }),
      'is not an emulator state file (no "format": "openai-batch-emulator-state")',
    ],
    [
      "an unknown version",
      JSON.stringify({ format: "openai-batch-emulator-state", version: 99 }),
      "has version 99; this emulator reads version 1",
    ],
    [
      "damaged records",
      JSON.stringify({
        format: "openai-batch-emulator-state",
        version: 1,
        apiKey: "k",
        clock: { emulatorMs: 1, savedAtEpochMs: 1 },
        seq: 1,
        files: [{ id: 1 }],
        batches: [],
        uploads: [],
      }),
      "is damaged: files[0]: id is not a string",
    ],
  ])("a state file that is %s stops the start and is kept", async (_name, text, message) => {
    const dir = dataDir();
    writeFileSync(join(dir, "state.json"), text);
    const error = await startEmulator({ dataDir: dir }).catch((e: unknown) => e);
    expect(isEmulatorStateError(error)).toBe(true);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).toContain("Move the file (or the whole data directory) away");
    expect(readFileSync(join(dir, "state.json"), "utf8")).toBe(text);
  });

  test("without a data directory the contents live in a temporary directory removed on close", async () => {
    const { emulator, client } = await start({});
    const file = await uploadBatchFile(client, chatJsonl(1));
    const mine = readdirSync(tmpdir())
      .filter((name) => name.startsWith("openai-batch-emulator-"))
      .map((name) => join(tmpdir(), name))
      .filter((dir) => existsSync(join(dir, "files", file.id)));
    expect(mine).toHaveLength(1);
    expect(readFileSync(join(mine[0]!, "files", file.id), "utf8")).toBe(chatJsonl(1));
    await emulator.close();
    expect(existsSync(mine[0]!)).toBe(false);
  });
});
