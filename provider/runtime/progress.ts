import type { BatchInputs, BatchOutputs } from "../contract";
import { urnOfResourceKey } from "../diagnostics";
import { displayable } from "../display";
import { setMemberOf } from "../set-progress";
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
 *
 * A batch of a `BatchSet` writes no line of its own: it tells the set's board what it sees, and
 * the board writes the set's line on the set's row (see `set-progress/`).
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

/** Told about every batch a poll returns. */
export interface ProgressObserver {
  observe(batch: ProgressSnapshot, nowMs: number): void;
}

/** Decides, poll by poll, when a progress line is due, and writes it. */
export class ProgressReporter implements ProgressObserver {
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

/** What a wait's progress depends on: the resource's key, and its set when it is a set's batch. */
export type ProgressSubject = Pick<BatchInputs, "resourceKey" | "setMember">;

/**
 * The progress of one wait for a batch to finish: under the resource that `resourceKey` names, or,
 * for a batch of a `BatchSet`, on the set's row through the set's board.
 */
export function progressOf(
  subject: ProgressSubject,
  deps: Pick<RuntimeDeps, "progress" | "sets">,
): ProgressObserver {
  const member = setMemberOf(subject.setMember);
  if (member === undefined) {
    const urn = urnOfResourceKey(subject.resourceKey);
    return new ProgressReporter((line) => deps.progress(line, urn), resourceNameOf(subject.resourceKey));
  }
  return {
    observe(batch, nowMs) {
      deps.sets.observe(member, subject.resourceKey ?? batch.id, memberStatusOf(member.wave, batch), nowMs);
    },
  };
}

/**
 * The progress of a wait for a cancelled batch to stop, on delete: a set's batch stays quiet (the
 * set reports where its batches stand while they run, not while they go).
 */
export function cancelProgressOf(
  subject: ProgressSubject,
  deps: Pick<RuntimeDeps, "progress" | "sets">,
): ProgressObserver | undefined {
  return setMemberOf(subject.setMember) === undefined ? progressOf(subject, deps) : undefined;
}

/**
 * A set's batch that this up leaves alone (its diff found no change) counts in the set's line as
 * its state says, so that `12/35 batches done` includes the batches that finished in an earlier up.
 */
export function countUnchangedInSet(
  news: ProgressSubject,
  state: BatchOutputs,
  sets: Pick<RuntimeDeps["sets"], "known">,
): void {
  const member = setMemberOf(news.setMember);
  const key = news.resourceKey ?? state.resourceKey;
  if (member === undefined || key === undefined || state.status === undefined) return;
  sets.known(member, key, {
    wave: member.wave,
    status: state.status,
    requestCounts: state.requestCounts,
    expiresAt: state.expiresAt,
  });
}

function memberStatusOf(wave: number, batch: ProgressSnapshot) {
  return { wave, status: batch.status, requestCounts: batch.request_counts, expiresAt: batch.expires_at };
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
