import { urnOfResourceKey } from "../diagnostics";
import type { RuntimeDeps } from "./deps";
import type { PlanReason } from "./plan";
import { resourceNameOf } from "./progress";

/**
 * Shows the reasons of a plan on the resource's row, as info diagnostics under its URN (from
 * `resourceKey`: `diff` is not given the URN), prefixed with the resource's name as its progress
 * lines are: `batch: results file out.jsonl is missing: up writes it again ...`. Returns once
 * they have reached the engine, so that the plan shows them.
 */
export async function tellReasons(
  reasons: readonly PlanReason[],
  resourceKey: unknown,
  deps: Pick<RuntimeDeps, "progress" | "delivered">,
): Promise<void> {
  if (reasons.length === 0) return;
  const urn = urnOfResourceKey(resourceKey);
  const name = resourceNameOf(resourceKey);
  for (const reason of reasons) {
    const line = name === undefined ? reason.text : `${name}: ${reason.text}`;
    deps.progress(line, urn);
  }
  await deps.delivered();
}
