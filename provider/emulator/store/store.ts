import type { BatchRecord, FileRecord, UploadRecord } from "./records";
import { STATE_FORMAT, STATE_VERSION, type StateSnapshot } from "./state-file";

/** The emulator's objects in memory. Maps keep insertion (= creation) order. */
export class Store {
  readonly files = new Map<string, FileRecord>();
  readonly batches = new Map<string, BatchRecord>();
  readonly uploads = new Map<string, UploadRecord>();
  private seq = 0;

  constructor(public apiKey: string) {}

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  load(state: StateSnapshot): void {
    this.clear();
    this.seq = state.seq;
    for (const file of state.files) this.files.set(file.id, file);
    for (const batch of state.batches) this.batches.set(batch.id, batch);
    for (const upload of state.uploads) this.uploads.set(upload.id, upload);
  }

  clear(): void {
    this.files.clear();
    this.batches.clear();
    this.uploads.clear();
  }

  snapshot(emulatorMs: number, epochMs: number): StateSnapshot {
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      apiKey: this.apiKey,
      clock: { emulatorMs, savedAtEpochMs: epochMs },
      seq: this.seq,
      files: [...this.files.values()],
      batches: [...this.batches.values()],
      uploads: [...this.uploads.values()],
    };
  }
}
