import { createHash, type Hash } from "node:crypto";
import { join } from "node:path";
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { findWorker, startWorker, type WorkerSource } from "../workers/source";

/**
 * The sha256 of each shard, computed in order as the split writes it. Bytes passed to `update`
 * may still be read after the call (by the hashing thread): the caller calls `settle(mark)`
 * before it overwrites bytes it passed before `mark()`.
 */
export interface ShardHasher {
  update(shard: number, bytes: Uint8Array): void;
  /** Ends a shard's hash; its digest comes from `digests`. */
  end(shard: number): void;
  /** A point in the stream of updates, for `settle`. */
  mark(): number;
  /** Waits until every update before `mark` is hashed. */
  settle(mark: number): void;
  /** The sha256 (hex) of every ended shard, by shard number; waits for the hashing to finish. */
  digests(): Map<number, string>;
  /** Stops the hashing thread, if any. */
  close(): void;
}

/** Hashes in the calling thread. */
export class InlineHasher implements ShardHasher {
  private readonly hashes = new Map<number, Hash>();
  private readonly done = new Map<number, string>();

  update(shard: number, bytes: Uint8Array): void {
    this.hashOf(shard).update(bytes);
  }

  end(shard: number): void {
    this.done.set(shard, this.hashOf(shard).digest("hex"));
    this.hashes.delete(shard);
  }

  mark(): number {
    return 0;
  }

  settle(_mark: number): void {}

  digests(): Map<number, string> {
    return this.done;
  }

  close(): void {}

  private hashOf(shard: number): Hash {
    let hash = this.hashes.get(shard);
    if (hash === undefined) {
      hash = createHash("sha256");
      this.hashes.set(shard, hash);
    }
    return hash;
  }
}

/** What the split posts to the hashing thread, in order. */
export type HashMessage =
  | { seq: number; kind: "buffer"; id: number; shared: SharedArrayBuffer }
  | { seq: number; shard: number; kind: "update"; buffer: number; offset: number; length: number }
  | { seq: number; shard: number; kind: "update"; buffer?: undefined; copy: Uint8Array }
  | { seq: number; shard: number; kind: "end" };

export interface HashWorkerData {
  /** [0]: the last message hashed; [1]: 1 when hashing failed. */
  progress: Int32Array;
  /** Where the thread posts `{ shard, sha256 }` for each ended shard. */
  port: MessagePort;
}

/** How long the split waits for the hashing thread to make any progress before it gives up. */
const STALL_MS = 60_000;

/**
 * Hashes in a worker thread, so that hashing (about a third of a split's time) overlaps the
 * reading and writing. Bytes in a SharedArrayBuffer are passed by reference; others are copied.
 * The split stays synchronous: it waits with `Atomics.wait` and reads the digests with
 * `receiveMessageOnPort`.
 */
export class WorkerHasher implements ShardHasher {
  private readonly worker: Worker;
  private readonly progress = new Int32Array(new SharedArrayBuffer(8));
  private readonly port: MessagePort;
  /** The shared buffers the thread has been sent (sending one is slow: each is sent once). */
  private readonly buffers = new WeakMap<SharedArrayBuffer, number>();
  private nextBuffer = 0;
  private seq = 0;

  constructor(script: WorkerSource) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const data: HashWorkerData = { progress: this.progress, port: channel.port2 };
    this.worker = startWorker(script, { workerData: data, transferList: [channel.port2] });
    this.worker.unref();
  }

  update(shard: number, bytes: Uint8Array): void {
    const message: HashMessage =
      bytes.buffer instanceof SharedArrayBuffer
        ? {
            seq: 0,
            shard,
            kind: "update",
            buffer: this.bufferId(bytes.buffer),
            offset: bytes.byteOffset,
            length: bytes.length,
          }
        : { seq: 0, shard, kind: "update", copy: bytes.slice() };
    this.seq += 1;
    message.seq = this.seq;
    this.worker.postMessage(message);
  }

  private bufferId(shared: SharedArrayBuffer): number {
    let id = this.buffers.get(shared);
    if (id === undefined) {
      id = this.nextBuffer;
      this.nextBuffer += 1;
      this.buffers.set(shared, id);
      this.seq += 1;
      this.worker.postMessage({ seq: this.seq, kind: "buffer", id, shared } satisfies HashMessage);
    }
    return id;
  }

  end(shard: number): void {
    this.seq += 1;
    this.worker.postMessage({ seq: this.seq, shard, kind: "end" } satisfies HashMessage);
  }

  mark(): number {
    return this.seq;
  }

  settle(mark: number): void {
    let seen = Atomics.load(this.progress, 0);
    let since = Date.now();
    while (seen < mark) {
      if (Atomics.load(this.progress, 1) !== 0) {
        throw new ShardHashError("hashing a shard failed in its worker thread");
      }
      Atomics.wait(this.progress, 0, seen, 1_000);
      const now = Atomics.load(this.progress, 0);
      if (now !== seen) {
        seen = now;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) {
        throw new ShardHashError("the thread that hashes shards stopped answering");
      }
    }
    if (Atomics.load(this.progress, 1) !== 0) {
      throw new ShardHashError("hashing a shard failed in its worker thread");
    }
  }

  digests(): Map<number, string> {
    this.settle(this.seq);
    const digests = new Map<number, string>();
    for (let message = receiveMessageOnPort(this.port); message !== undefined; ) {
      const { shard, sha256 } = message.message as { shard: number; sha256: string };
      digests.set(shard, sha256);
      message = receiveMessageOnPort(this.port);
    }
    return digests;
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

/**
 * The compiled hashing thread beside this module (or the single executable's copy); when this
 * module runs from its TypeScript source (in tests), the compiled copy under dist/ if it has been
 * built; otherwise undefined.
 */
export function hashWorkerScript(): WorkerSource | undefined {
  return findWorker("set/hash-worker", [
    join(__dirname, "hash-worker.js"),
    join(__dirname, "..", "..", "dist", "provider", "set", "hash-worker.js"),
  ]);
}

/** The thread that hashes shards failed or stopped; the split wrote nothing under a final name. */
export class ShardHashError extends Error {
  override readonly name = "ShardHashError";
}
