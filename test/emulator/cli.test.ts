import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { chatJsonl, createBatch, fileLines, REPO_ROOT } from "./support/harness";
import { pollUntil } from "./support/poll";

/** The compiled command, as `npm run build` leaves it. */
const CLI = join(REPO_ROOT, "dist", "provider", "emulator", "cli.js");

interface Running {
  child: ChildProcess;
  url: string;
  key: string;
  exited: Promise<{ code: number | null; stderr: string }>;
}

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"));

beforeAll(() => {
  if (!existsSync(CLI)) throw new RangeError(`${CLI} is missing: run \`npm run build\` before this suite.`);
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; stdout: () => string; exited: Running["exited"] } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.once("exit", (code) => resolve({ code, stderr }));
  });
  return { child, stdout: () => stdout, exited };
}

async function start(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const { child, stdout, exited } = run(args, env);
  const line = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /^OpenAI emulator listening on .*$/m.exec(stdout());
      if (match) resolve(match[0]);
    };
    child.stdout?.on("data", check);
    void exited.then(({ code, stderr }) =>
      reject(new RangeError(`the emulator exited (${code}): ${stderr}`)),
    );
  });
  const match = /^OpenAI emulator listening on (http:\/\/127\.0\.0\.1:\d+\/v1) \(api key: (\S+)\)$/.exec(
    line,
  );
  if (match?.[1] === undefined || match[2] === undefined) throw new RangeError(`unexpected line: ${line}`);
  return { child, url: match[1], key: match[2], exited };
}

describe("openai-batch-emulator", () => {
  test("prints its URL and key, serves the API, and stops cleanly on SIGTERM", async () => {
    const emulator = await start(["--port", "0", "--time-scale", "1000"]);
    expect(emulator.key).toMatch(/^sk-emulator-[0-9a-f]{48}$/);
    const client = new OpenAI({ baseURL: emulator.url, apiKey: emulator.key, maxRetries: 0 });
    const batch = await createBatch(client, chatJsonl(2));
    const done = await pollUntil(
      `batch ${batch.id} completing on the emulator's real-time clock`,
      () => client.batches.retrieve(batch.id),
      (b) => b.status === "completed",
    );
    expect(done.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    emulator.child.kill("SIGTERM");
    expect((await emulator.exited).code).toBe(0);
  });

  test("with --data-dir the key and the batches survive a restart on SIGINT", async () => {
    const data = join(dir, "data");
    const first = await start(["--port", "0", "--data-dir", data, "--manual-clock"]);
    const client = new OpenAI({ baseURL: first.url, apiKey: first.key, maxRetries: 0 });
    const batch = await createBatch(client, chatJsonl(1));
    first.child.kill("SIGINT");
    expect((await first.exited).code).toBe(0);

    const second = await start(["--port", "0", "--data-dir", data]);
    expect(second.key).toBe(first.key);
    const again = new OpenAI({ baseURL: second.url, apiKey: second.key, maxRetries: 0 });
    expect((await again.batches.retrieve(batch.id)).id).toBe(batch.id);
    second.child.kill("SIGTERM");
    await second.exited;

    const third = await start(["--port", "0", "--data-dir", data, "--api-key", "sk-chosen-key-1"]);
    expect(third.key).toBe("sk-chosen-key-1");
    third.child.kill("SIGTERM");
    await third.exited;
  });

  test("reads its settings from the environment", async () => {
    const emulator = await start([], {
      OPENAI_EMULATOR_PORT: "0",
      OPENAI_EMULATOR_API_KEY: "sk-from-the-env",
    });
    expect(emulator.key).toBe("sk-from-the-env");
    emulator.child.kill("SIGTERM");
    await emulator.exited;
  });

  test("--faults sets a request_failure rule that fails batch requests with its status code", async () => {
    const rules = [{ kind: "request_failure", count: 2, statusCode: 502, errorCode: "bad_gateway" }];
    const emulator = await start(["--port", "0", "--manual-clock", "--faults", JSON.stringify(rules)]);
    const client = new OpenAI({ baseURL: emulator.url, apiKey: emulator.key, maxRetries: 0 });
    const batch = await createBatch(client, chatJsonl(3));
    await fetch(`${emulator.url.replace(/\/v1$/, "")}/_emulator/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ms: 60_000 }),
    });
    const done = await client.batches.retrieve(batch.id);
    expect(done.request_counts).toEqual({ total: 3, completed: 1, failed: 2 });
    const errors = await fileLines(client, done.error_file_id!);
    expect(
      errors.map((line) => [line.custom_id, (line.response as { status_code: number }).status_code]).sort(),
    ).toEqual([
      ["req-1", 502],
      ["req-2", 502],
    ]);
    emulator.child.kill("SIGTERM");
    await emulator.exited;
  });

  test("--help prints the usage and exits 0", async () => {
    const { stdout, exited } = run(["--help"]);
    expect((await exited).code).toBe(0);
    expect(stdout()).toMatch(/^Usage: openai-batch-emulator \[options\]/);
  });

  test("--version prints the package's version on stdout and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const { stdout, exited } = run(["--version"]);
    expect(await exited).toEqual({ code: 0, stderr: "" });
    expect(stdout()).toBe(`${version}\n`);
  });

  test("--help documents the exit codes", async () => {
    const { stdout, exited } = run(["--help"]);
    expect((await exited).code).toBe(0);
    expect(stdout()).toContain("Exit codes: 0 after a clean stop");
  });

  test("a bad setting exits 2 with a message naming it", async () => {
    const { exited } = run(["--time-scale", "-3"]);
    expect(await exited).toEqual({
      code: 2,
      stderr: 'openai-batch-emulator: Expected --time-scale to be a number above 0; got "-3".\n',
    });
  });
});
