import { EmulatorUsageError } from "../errors/usage-error";
import { forceRefusal } from "../lifecycle";
import { type BatchStatus, isTerminal } from "../limits";
import type { BatchRecord } from "../store/records";
import { startCancel } from "./cancel";
import type { EngineContext } from "./context";
import { execute, expire, fail, finish, surveyAndStart } from "./transitions";

/**
 * Forces a batch into a status at emulator time `now`, doing what the lifecycle would have done
 * on the way: a batch forced past validation is not validated (its lines are counted), a batch
 * forced to finalizing or completed runs all its requests first, an expired one writes its
 * remaining requests as `batch_expired`. A batch only moves forward; `stuck` keeps it in place
 * until its window ends.
 */
export async function forceStatus(
  ctx: EngineContext,
  batch: BatchRecord,
  to: BatchStatus,
  stuck: boolean,
  now: number,
): Promise<void> {
  const refusal = forceRefusal(batch.status, to);
  if (refusal !== undefined) {
    throw new EmulatorUsageError("conflict", `Cannot force batch ${batch.id} to '${to}': ${refusal}.`);
  }
  if (to !== batch.status) {
    await move(ctx, batch, to, now);
  }
  if (!isTerminal(batch.status)) batch.stuck = stuck;
}

async function move(ctx: EngineContext, batch: BatchRecord, to: BatchStatus, now: number): Promise<void> {
  switch (to) {
    case "validating":
      return;
    case "in_progress":
      await surveyAndStart(ctx, batch, now);
      return;
    case "finalizing":
      await runAll(ctx, batch, now);
      batch.status = "finalizing";
      batch.finalizingMs = now;
      batch.phaseStartMs = now;
      return;
    case "completed":
      await runAll(ctx, batch, now);
      batch.finalizingMs ??= now;
      batch.status = "completed";
      batch.completedMs = now;
      batch.phaseStartMs = now;
      await finish(ctx, batch, now);
      return;
    case "failed":
      fail(batch, now, [
        {
          code: "emulator_forced_failure",
          message: "The batch was failed through the emulator's admin API.",
          line: null,
          param: null,
        },
      ]);
      await finish(ctx, batch, now);
      return;
    case "expired":
      await expire(ctx, batch, now);
      return;
    case "cancelling":
      startCancel(batch, now);
      return;
    case "cancelled":
      if (batch.status !== "cancelling") startCancel(batch, now);
      batch.status = "cancelled";
      batch.cancelledMs = now;
      batch.phaseStartMs = now;
      await finish(ctx, batch, now);
      return;
  }
}

async function runAll(ctx: EngineContext, batch: BatchRecord, now: number): Promise<void> {
  if (batch.status === "validating") await surveyAndStart(ctx, batch, now);
  await execute(ctx, batch, undefined, now);
}
