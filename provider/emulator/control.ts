import { batchJson } from "./api/serialize";
import type { CallLog } from "./call-log";
import type { BatchEngine } from "./engine/batch-engine";
import { forceStatus } from "./engine/force";
import { EmulatorUsageError } from "./errors/usage-error";
import type { FaultInjector } from "./faults/injector";
import { parseFaultRules } from "./faults/parse";
import { BATCH_STATUSES, isBatchStatus } from "./limits";
import type { FaultRule, RecordedCall, SetBatchStatusOptions } from "./types";

/**
 * The emulator's controls, shared by the programmatic handle and the admin HTTP API: the clock,
 * faults, recorded calls, forced statuses and reset.
 */
export class Control {
  constructor(
    private readonly engine: BatchEngine,
    private readonly faults: FaultInjector,
    private readonly callLog: CallLog,
  ) {}

  now(): number {
    return this.engine.ctx.clock.now();
  }

  async advance(ms: unknown): Promise<void> {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new EmulatorUsageError(
        "invalid_argument",
        `Expected \`ms\` to be a number of milliseconds, 0 or more; got ${JSON.stringify(ms) ?? "nothing"}.`,
      );
    }
    await this.engine.run(async () => {
      this.engine.ctx.clock.advance(ms);
      await this.engine.processDue();
      await this.engine.ctx.persister.save();
    });
  }

  setFaults(rules: unknown): FaultRule[] {
    const parsed = parseFaultRules(rules, "faults");
    this.faults.setRules(parsed);
    return this.faults.rules();
  }

  getFaults(): FaultRule[] {
    return this.faults.rules();
  }

  calls(): RecordedCall[] {
    return this.callLog.list();
  }

  clearCalls(): void {
    this.callLog.clear();
  }

  /** Forces a batch's status; returns the batch as the API shows it. */
  async setBatchStatus(
    id: unknown,
    status: unknown,
    options: SetBatchStatusOptions = {},
  ): Promise<Record<string, unknown>> {
    if (typeof id !== "string" || id === "") {
      throw new EmulatorUsageError(
        "invalid_argument",
        `Expected \`id\` to be a batch id; got ${JSON.stringify(id) ?? "nothing"}.`,
      );
    }
    if (typeof status !== "string" || !isBatchStatus(status)) {
      throw new EmulatorUsageError(
        "invalid_argument",
        `Expected \`status\` to be one of ${BATCH_STATUSES.join(", ")}; got ${JSON.stringify(status) ?? "nothing"}.`,
      );
    }
    const stuck = options.stuck ?? false;
    if (typeof stuck !== "boolean") {
      throw new EmulatorUsageError(
        "invalid_argument",
        `Expected \`stuck\` to be true or false; got ${JSON.stringify(stuck)}.`,
      );
    }
    const { ctx } = this.engine;
    return this.engine.run(async () => {
      await this.engine.processDue();
      const batch = ctx.store.batches.get(id);
      if (batch === undefined) throw new EmulatorUsageError("not_found", `No batch found with id '${id}'.`);
      await forceStatus(ctx, batch, status, stuck, ctx.clock.now());
      await ctx.persister.save();
      return batchJson(batch);
    });
  }

  /** Forgets every file, batch, upload, fault and recorded call. */
  async reset(): Promise<void> {
    const { ctx } = this.engine;
    await this.engine.run(async () => {
      ctx.store.clear();
      await ctx.disk.wipeContents();
      this.faults.setRules([]);
      this.callLog.clear();
      await ctx.persister.save();
    });
  }
}
