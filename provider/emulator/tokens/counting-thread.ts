import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { CountAnswer, CountMessage } from "./count-worker";
import type { TiktokenEncodingName } from "./encoding";
import { countTexts } from "./tiktoken-count";

/** The counting thread could not count: it failed, or stopped. The batch step that asked fails. */
export class CountingThreadError extends Error {
  override readonly name = "CountingThreadError";
}

/**
 * The thread the emulator counts tokens in, one for the process, started on first use. The
 * emulator's own thread only walks requests and waits for the counts, so it keeps answering calls
 * however long a text is, and however long loading an encoding takes. When the emulator runs from
 * its TypeScript sources without a build, there is no worker module to start: counting then
 * happens in the calling thread.
 */
class CountingThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (tokens: number[]) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly script: string | undefined) {}

  count(encoding: TiktokenEncodingName, texts: string[]): Promise<number[]> {
    if (texts.length === 0) return Promise.resolve([]);
    if (this.script === undefined) return Promise.resolve(countTexts(encoding, texts));
    const worker = this.start(this.script);
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, encoding, texts } satisfies CountMessage);
    });
  }

  private start(script: string): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(script);
    // The thread never keeps the process alive: a server or a test waiting on a count does.
    worker.unref();
    worker.on("message", (answer: CountAnswer) => {
      const waiting = this.pending.get(answer.id);
      if (waiting === undefined) return;
      this.pending.delete(answer.id);
      if ("tokens" in answer) waiting.resolve(answer.tokens);
      else waiting.reject(new CountingThreadError(`counting tokens failed: ${answer.error}`));
    });
    const stop = (reason: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiting] of this.pending) {
        this.pending.delete(id);
        waiting.reject(new CountingThreadError(reason));
      }
    };
    worker.on("error", (error) => stop(`the counting thread failed: ${error.message}`));
    worker.on("exit", (code) => stop(`the counting thread stopped (exit code ${code})`));
    this.worker = worker;
    return worker;
  }
}

let shared: CountingThread | undefined;

/** The process's counting thread. */
export function countingThread(): CountingThread {
  shared ??= new CountingThread(workerScript());
  return shared;
}

/**
 * The compiled worker module beside this one; from the TypeScript sources (in tests), the copy
 * under dist/ when it has been built.
 */
function workerScript(): string | undefined {
  const candidates = [
    join(__dirname, "count-worker.js"),
    join(__dirname, "..", "..", "..", "dist", "provider", "emulator", "tokens", "count-worker.js"),
  ];
  return candidates.find((candidate) => existsSync(candidate));
}
