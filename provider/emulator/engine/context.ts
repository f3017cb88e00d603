import type { EmulatorClock } from "../clock";
import type { OutputOrder } from "../config";
import type { RequestFailure } from "../faults/injector";
import type { Disk } from "../store/disk";
import type { Persister } from "../store/persister";
import type { Store } from "../store/store";
import type { UsageCounter } from "../tokens/usage-counter";
import type { EmulatorDurations } from "../types";

/** What the batch engine works with. */
export interface EngineContext {
  store: Store;
  disk: Disk;
  clock: EmulatorClock;
  durations: EmulatorDurations;
  /** The enqueued-token limit of each model that has one. */
  enqueuedTokenLimits: ReadonlyMap<string, number>;
  /** The order of the lines in the output and error files a batch publishes. */
  outputOrder: OutputOrder;
  persister: Persister;
  log: (line: string) => void;
  /** Whether a request of a batch (by its `url`) fails on purpose; absent: none does. */
  requestFailure?: (url: string) => RequestFailure | undefined;
  /** Counts tokens: the usage of answered requests, the enqueued tokens of batches. */
  tokens: UsageCounter;
}
