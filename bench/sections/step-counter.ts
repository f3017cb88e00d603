import type { EngineEvent } from "@pulumi/pulumi/automation";
import { BATCH_TYPE_TOKEN } from "../../provider/contract";

/**
 * Counts the engine's steps (create, delete, ...) on resources of one type, by default `Batch`,
 * from its event stream.
 */
export class StepCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly type: string = BATCH_TYPE_TOKEN) {}

  readonly onEvent = (event: EngineEvent): void => {
    const step = event.resourcePreEvent?.metadata;
    if (step?.type === this.type) this.counts.set(step.op, (this.counts.get(step.op) ?? 0) + 1);
  };

  count(op: string): number {
    return this.counts.get(op) ?? 0;
  }
}
