/**
 * The engine side of the Batch resource: what Pulumi's dynamic-provider host runs. The serialized
 * provider requires this module by package name (`pulumi-openai-batch/runtime`) at call time.
 */
import { hostEngineAddress } from "../diagnostics";
import { createSetResultsProvider } from "../set/results/provider";
import { watchEngine } from "./engine-watchdog";
import { createBatchProvider } from "./provider";
import { onTheWire } from "./wire-names";

export type { RuntimeDeps } from "./deps";
export { type BatchResourceProvider, createBatchProvider } from "./provider";

// In Pulumi's dynamic-provider host, the provider stops once the engine that started it is gone.
watchEngine(hostEngineAddress());

/**
 * The provider every serialized `Batch` calls into: one per dynamic-provider host process. The
 * properties it keeps for itself travel under `__` names, which no plan shows (wire-names.ts).
 */
export const provider = onTheWire(createBatchProvider());

/** The provider every serialized `BatchSet` results resource calls into. */
export const setResultsProvider = createSetResultsProvider();
