import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import { REPO_ROOT } from "./support/harness";
import { bearer, rawRequest } from "./support/raw-http";

/**
 * Measures the emulator at the Batch API's limits: 50,000 requests of about 4 KB (just under
 * 200 MB) uploaded, validated, run and downloaded, in a separate emulator process whose peak RSS
 * is read from /proc. Slow (tens of seconds), so it only runs with EMULATOR_MEASURE=1, after
 * `npm run build`; the figures go in provider/emulator/README.md.
 */

const LINES = 50_000;
const LINE_BYTES = 4_000;
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
});

function line(i: number): string {
  const head = `{"custom_id":"r${i}","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"`;
  const tail = '"}]}}';
  return `${head}${"x".repeat(LINE_BYTES - head.length - tail.length - 1)}${tail}\n`;
}

function body(): Readable {
  async function* parts() {
    yield Buffer.from('--B\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n');
    yield Buffer.from('--B\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\n\r\n');
    let chunk = "";
    for (let i = 1; i <= LINES; i++) {
      chunk += line(i);
      if (chunk.length >= 1 << 20) {
        yield Buffer.from(chunk);
        chunk = "";
      }
    }
    yield Buffer.from(`${chunk}\r\n--B--\r\n`);
  }
  return Readable.from(parts());
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? "0");
  return Math.round(kb / 1024);
}

describe.skipIf(process.env.EMULATOR_MEASURE !== "1")("scale measurement", () => {
  test("50,000 lines of 4 KB", { timeout: 600_000 }, async () => {
    child = spawn(
      process.execPath,
      [join(REPO_ROOT, "dist/provider/emulator/cli.js"), "--port", "0", "--manual-clock"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const url = await new Promise<string>((resolve) => {
      let out = "";
      child?.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (\S+) \(api key: (\S+)\)/.exec(out);
        if (match) resolve(`${match[1]} ${match[2]}`);
      });
    });
    const [base = "", key = ""] = url.split(" ");
    const origin = base.replace(/\/v1$/, "");
    const json = { ...bearer(key), "content-type": "application/json" };
    const pid = child.pid!;
    const timings: Record<string, number> = {};
    const peaks: Record<string, number> = { idle: peakRssMb(pid) };
    const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      const result = await run();
      timings[name] = Math.round(performance.now() - start);
      peaks[name] = peakRssMb(pid);
      return result;
    };

    const uploaded = await timed("upload", () =>
      rawRequest(`${base}/files`, {
        method: "POST",
        headers: { ...bearer(key), "content-type": "multipart/form-data; boundary=B" },
        body: body(),
      }),
    );
    expect(uploaded.status).toBe(200);
    const file = uploaded.json() as { id: string; bytes: number };
    const created = await rawRequest(`${base}/batches`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        input_file_id: file.id,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      }),
    });
    const batch = created.json() as { id: string };
    const advance = (ms: number) =>
      rawRequest(`${origin}/_emulator/clock/advance`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ ms }),
      });
    await timed("validate", () => advance(200));
    await timed("execute", () => advance(300));
    await timed("finalize", () => advance(200));
    const done = (await rawRequest(`${base}/batches/${batch.id}`, { headers: bearer(key) })).json() as {
      status: string;
      request_counts: { total: number; completed: number };
      output_file_id: string;
    };
    expect(done.status).toBe("completed");
    expect(done.request_counts.completed).toBe(LINES);
    const output = await timed("download", () =>
      rawRequest(`${base}/files/${done.output_file_id}/content`, { headers: bearer(key) }),
    );
    const figures = {
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
      inputBytes: file.bytes,
      outputBytes: Buffer.byteLength(output.text),
      timingsMs: timings,
      peakRssMbAfter: peaks,
    };
    process.stdout.write(`SCALE ${JSON.stringify(figures)}\n`);
    child.kill("SIGTERM");
  });
});
