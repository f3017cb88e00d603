import type { FaultKind, RecordedCall } from "./types";

/** The /v1 calls received, in order of arrival. */
export class CallLog {
  private entries: RecordedCall[] = [];

  /** Records a call as it arrives; its status is filled in when it is answered. */
  arrive(method: string, path: string, url: string, at: number): RecordedCall {
    const entry: RecordedCall = { method, path, ...(url === path ? {} : { url }), status: 0, at };
    this.entries.push(entry);
    return entry;
  }

  answer(entry: RecordedCall, status: number, fault: FaultKind | undefined): void {
    entry.status = status;
    if (fault !== undefined) entry.fault = fault;
  }

  list(): RecordedCall[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}
