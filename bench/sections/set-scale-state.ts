import { BATCH_TYPE_TOKEN } from "../../provider/contract";
import { BATCH_SET_TYPE_TOKEN } from "../../provider/set/batch-set";

/** A resource as `pulumi stack export` gives it: what the state measures need of it. */
export interface StateResource {
  urn: string;
  type: string;
  parent?: string;
  outputs?: Record<string, unknown>;
}

/** What a part of the state weighs: its bytes (compact JSON, UTF-8) and its resources. */
export interface StatePart {
  bytes: number;
  resources: number;
}

/**
 * Every `BatchSet` of the state with all its descendants (the component, its child batches and
 * its results resource, when it has one), measured as each resource's compact JSON.
 */
export function batchSetPart(resources: readonly StateResource[]): StatePart {
  const inSet = new Set(
    resources.filter((resource) => resource.type === BATCH_SET_TYPE_TOKEN).map((resource) => resource.urn),
  );
  // Parents come before their children in a deployment, but a second pass costs nothing and
  // does not rely on it.
  let grew = true;
  while (grew) {
    grew = false;
    for (const resource of resources) {
      if (!inSet.has(resource.urn) && resource.parent !== undefined && inSet.has(resource.parent)) {
        inSet.add(resource.urn);
        grew = true;
      }
    }
  }
  return partOf(resources.filter((resource) => inSet.has(resource.urn)));
}

/** The `Batch` resources of the state, wherever they are. */
export function batchPart(resources: readonly StateResource[]): StatePart {
  return partOf(resources.filter((resource) => resource.type === BATCH_TYPE_TOKEN));
}

/** The statuses of the state's `Batch` resources, by status, e.g. `{ completed: 200 }`. */
export function batchStatuses(resources: readonly StateResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) {
    if (resource.type !== BATCH_TYPE_TOKEN) continue;
    const status = String(resource.outputs?.status ?? "none");
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

function partOf(resources: readonly StateResource[]): StatePart {
  return {
    bytes: resources.reduce((sum, resource) => sum + Buffer.byteLength(JSON.stringify(resource), "utf8"), 0),
    resources: resources.length,
  };
}
