import { createHash, type Hash } from "node:crypto";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { HashMessage, HashWorkerData } from "./shard-hasher";

/**
 * The thread that hashes shards while the split writes them: it takes byte ranges of the
 * split's shared read buffers (or copies of other bytes) in order, and posts each shard's sha256
 * to `port` when the shard ends. After each message it stores the message's sequence number in
 * `progress[0]`, so that the split knows which buffers it may overwrite.
 */
const { progress, port } = workerData as HashWorkerData;
const hashes = new Map<number, Hash>();
const buffers = new Map<number, SharedArrayBuffer>();

function handle(message: HashMessage): void {
  if (message.kind === "buffer") {
    buffers.set(message.id, message.shared);
    return;
  }
  let hash = hashes.get(message.shard);
  if (hash === undefined) {
    hash = createHash("sha256");
    hashes.set(message.shard, hash);
  }
  if (message.kind === "update") {
    const shared = message.buffer === undefined ? undefined : buffers.get(message.buffer);
    if (message.buffer !== undefined && shared === undefined) {
      throw new RangeError(`buffer ${message.buffer} was never sent`);
    }
    hash.update(
      message.buffer === undefined
        ? message.copy
        : new Uint8Array(shared as SharedArrayBuffer, message.offset, message.length),
    );
  } else {
    (port as MessagePort).postMessage({ shard: message.shard, sha256: hash.digest("hex") });
    hashes.delete(message.shard);
  }
}

parentPort?.on("message", (message: HashMessage) => {
  try {
    handle(message);
  } catch {
    Atomics.store(progress, 1, 1);
  }
  Atomics.store(progress, 0, message.seq);
  Atomics.notify(progress, 0);
});
