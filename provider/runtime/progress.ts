import { urnOfResourceKey } from "../diagnostics";
import { displayable } from "../display";
import type { RuntimeDeps } from "./deps";

/**
 * Progress lines while `pulumi up` waits for a batch. Each is sent to the engine as an info-level
 * diagnostic of the resource (its URN follows from `resourceKey`), so it reaches the user under
 * the `Batch` as the wait goes on:
 *
 *   questions: batch_abc123 in_progress: 12,400/50,000 done, 3 failed, expires in 21h
 *
 * A line is written when the status or the counts change, and at least every `heartbeatMs`
 * otherwise, so a long wait never looks stuck. Deciding and formatting are pure; the caller gives
 * the clock and the sink.
 */

/** The longest time without a progress line while waiting: five minutes. */
export const PROGRESS_HEARTBEAT_MS = 5 * 60_000;

/** What a poll says about a batch, as far as progress goes. */
export interface ProgressSnapshot {
  id: string;
  status: string;
  request_counts?: { total: number; completed: number; failed: number } | null | undefined;
  /** Unix seconds. */
  expires_at?: number | null | undefined;
}

const NUMBER = new Intl.NumberFormat("en-US");

/** `batch_… in_progress: 12,400/50,000 done, 3 failed, expires in 21h`, prefixed with the resource name when known. */
export function formatProgress(batch: ProgressSnapshot, nowMs: number, resourceName?: string): string {
  const parts: string[] = [];
  const counts = batch.request_counts;
  if (counts && counts.total > 0) {
    const done = counts.completed + counts.failed;
    parts.push(`${NUMBER.format(done)}/${NUMBER.format(counts.total)} done`);
    if (counts.failed > 0) parts.push(`${NUMBER.format(counts.failed)} failed`);
  }
  if (typeof batch.expires_at === "number" && !isFinished(batch.status)) {
    parts.push(expiry(batch.expires_at * 1000 - nowMs));
  }
  // The id and the status are the server's text.
  const head = `${resourceName ? `${resourceName}: ` : ""}${displayable(batch.id, 100)} ${displayable(batch.status, 40)}`;
  return parts.length === 0 ? head : `${head}: ${parts.join(", ")}`;
}

function isFinished(status: string): boolean {
  return status === "completed" || status === "failed" || status === "expired" || status === "cancelled";
}

function expiry(leftMs: number): string {
  if (leftMs <= 0) return "past its expiry time";
  const minutes = Math.floor(leftMs / 60_000);
  if (minutes < 1) return "expires in under a minute";
  if (minutes < 60) return `expires in ${minutes}m`;
  return `expires in ${Math.floor(minutes / 60)}h`;
}

/** Decides, poll by poll, when a progress line is due, and writes it. */
export class ProgressReporter {
  private lastKey: string | undefined;
  private lastAt = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly resourceName: string | undefined,
    private readonly heartbeatMs: number = PROGRESS_HEARTBEAT_MS,
  ) {}

  /** Called after every successful poll; writes a line when something changed or the heartbeat is due. */
  observe(batch: ProgressSnapshot, nowMs: number): void {
    const counts = batch.request_counts;
    const key = `${batch.status}|${counts?.total ?? ""}|${counts?.completed ?? ""}|${counts?.failed ?? ""}`;
    if (key === this.lastKey && nowMs - this.lastAt < this.heartbeatMs) return;
    this.lastKey = key;
    this.lastAt = nowMs;
    this.write(formatProgress(batch, nowMs, this.resourceName));
  }
}

/** The progress reporter of one wait, writing under the resource that `resourceKey` names. */
export function progressOf(resourceKey: unknown, deps: Pick<RuntimeDeps, "progress">): ProgressReporter {
  const urn = urnOfResourceKey(resourceKey);
  return new ProgressReporter((line) => deps.progress(line, urn), resourceNameOf(resourceKey));
}

/** The resource's name from its `resourceKey` (`<project>/<stack>/<name>`, and `@<parent URN>` for a child; or a URN). */
export function resourceNameOf(resourceKey: unknown): string | undefined {
  if (typeof resourceKey !== "string") return undefined;
  if (resourceKey.startsWith("urn:pulumi:")) {
    // The plugin keys a resource by its URN: `urn:pulumi:<stack>::<project>::<type>::<name>`.
    return resourceKey.split("::").slice(3).join("::") || undefined;
  }
  const withoutParent = resourceKey.split("@urn:pulumi:")[0] ?? resourceKey;
  const name = withoutParent.split("/").slice(2).join("/");
  return name === "" ? undefined : name;
}
