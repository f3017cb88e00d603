import type { DiffResult } from "@pulumi/pulumi/provider";
import type { PlanReason } from "../runtime/plan";

/** How the engine's detailed diff marks one property: an update or a replace, of an input or an output. */
export interface PropertyChange {
  kind: "update" | "update-replace";
  /** True when the old value to show is the old input; false for the old output. */
  inputDiff: boolean;
}

/** A diff with the detailed diff the plugin serves (the engine shows it in the plan). */
export interface DetailedDiffResult extends DiffResult {
  detailedDiff?: Record<string, PropertyChange>;
}

/** The detailed diff of a plan: each reason's property, replaced or updated. */
export function detailedDiffOf(reasons: readonly PlanReason[]): Record<string, PropertyChange> {
  const detailed: Record<string, PropertyChange> = {};
  for (const reason of reasons) {
    const kind = reason.replaces ? "update-replace" : "update";
    // A property named twice keeps the stronger mark.
    if (detailed[reason.property]?.kind !== "update-replace") {
      detailed[reason.property] = { kind, inputDiff: reason.input };
    }
  }
  return detailed;
}
