import { rm } from "node:fs/promises";
import { nextStep } from "../lifecycle";
import { isTerminal } from "../limits";
import type { BatchRecord } from "../store/records";
import type { EngineContext } from "./context";
import { applyStep, blobInUse, fail, finish, lifecycleView } from "./transitions";

/**
 * Moves batches through their lifecycle. Every change to batches runs through one queue, one task
 * at a time, so a request never sees a batch half-way through a step. `settle()` processes every
 * step due at the current emulator time; routes call it before they read batches, the clock
 * timer calls it in real-time mode, and `advance()` calls it after moving the clock.
 */
export class BatchEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(readonly ctx: EngineContext) {}

  /** Runs a task after every task queued before it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  settle(): Promise<void> {
    return this.run(() => this.processDue());
  }

  /** In real-time mode: settles every `intervalMs` real ms so clients that poll see progress. */
  startTimer(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = true;
      this.settle()
        .catch((error: unknown) => this.ctx.log(`emulator: processing failed: ${(error as Error).message}`))
        .finally(() => {
          this.ticking = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for the queue to drain. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.run(async () => undefined);
  }

  /** Processes every step due now. Must run inside the queue. */
  async processDue(): Promise<void> {
    const { store, clock, persister } = this.ctx;
    const now = clock.now();
    let changed = await this.purgeExpired(now);
    for (const batch of store.batches.values()) {
      if (isTerminal(batch.status)) continue;
      if (await this.advanceBatch(batch, now)) changed = true;
    }
    if (changed) await persister.save();
  }

  private async advanceBatch(batch: BatchRecord, now: number): Promise<boolean> {
    const { durations, persister } = this.ctx;
    let changed = false;
    for (
      let step = nextStep(lifecycleView(batch, this.ctx.profile.expiresAtWindowEnd), durations, now);
      step;
      step = nextStep(lifecycleView(batch, this.ctx.profile.expiresAtWindowEnd), durations, now)
    ) {
      try {
        await applyStep(this.ctx, batch, step);
      } catch (error) {
        this.ctx.log(`batch ${batch.id}: ${step.kind} failed: ${(error as Error).message}`);
        fail(batch, step.at, [
          {
            code: "emulator_error",
            message: `The emulator could not ${step.kind} this batch.`,
            line: null,
            param: null,
          },
        ]);
        await finish(this.ctx, batch, step.at).catch(() => undefined);
      }
      changed = true;
      await persister.save();
    }
    return changed;
  }

  /** Drops files past their expiry and marks Uploads past theirs expired. */
  private async purgeExpired(now: number): Promise<boolean> {
    const { store, disk } = this.ctx;
    let changed = false;
    for (const file of [...store.files.values()]) {
      if (file.expiresMs === undefined || file.expiresMs > now) continue;
      store.files.delete(file.id);
      if (!blobInUse(this.ctx, file.id)) await rm(disk.fileBlob(file.id), { force: true });
      changed = true;
    }
    for (const upload of store.uploads.values()) {
      if (upload.status !== "pending" || upload.expiresMs > now) continue;
      upload.status = "expired";
      upload.parts = [];
      await rm(disk.uploadDir(upload.id), { recursive: true, force: true });
      changed = true;
    }
    return changed;
  }
}
