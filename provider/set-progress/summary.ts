import type { SetMember } from "../contract";
import { noun } from "../display";
import { isTerminal } from "../policy/lifecycle";

/**
 * Where a `BatchSet` stands, as one line on the set's row:
 *
 *   wave 2/3: 12/35 batches done, 1,200/3,500 requests done, 3 failed, earliest expiry in 21h
 *
 * and, while follow-up batches of `retryFailedRequests` run, `2 follow-ups running, 40 requests`.
 *
 * Made from what the batches of the set last said; pure, so that the clock is the caller's.
 */

/** What one batch of the set last said. */
export interface MemberStatus {
  wave: number;
  status: string;
  requestCounts?: { total: number; completed: number; failed: number } | null | undefined;
  /** Unix seconds. */
  expiresAt?: number | null | undefined;
}

/** A follow-up batch of one of the set's batches, as its polls last saw it. */
export interface FollowUpStatus {
  status: string;
  /** The requests it resubmits. */
  requests: number;
}

/** The set's totals, as its batches carry them. */
export type SetTotals = Pick<SetMember, "waves" | "batches" | "requests">;

/** The numbers of the line. */
export interface SetSummary {
  /** From 1: the latest wave with a running batch, else the latest wave heard of. */
  wave: number;
  waves: number;
  batchesDone: number;
  batches: number;
  requestsDone: number;
  requestsFailed: number;
  requests: number;
  /** Unix seconds: the earliest `expires_at` of the running batches; undefined when none runs. */
  earliestExpiry: number | undefined;
  /** Follow-up batches still running, and the requests they resubmit. */
  followUpsRunning: number;
  followUpRequests: number;
}

export function summarizeSet(
  totals: SetTotals,
  members: Iterable<MemberStatus>,
  followUps: Iterable<FollowUpStatus> = [],
): SetSummary {
  let followUpsRunning = 0;
  let followUpRequests = 0;
  for (const followUp of followUps) {
    if (isTerminal(followUp.status)) continue;
    followUpsRunning += 1;
    followUpRequests += followUp.requests;
  }
  let runningWave = -1;
  let latestWave = 0;
  let batchesDone = 0;
  let requestsDone = 0;
  let requestsFailed = 0;
  let earliestExpiry: number | undefined;
  for (const member of members) {
    latestWave = Math.max(latestWave, member.wave);
    const counts = member.requestCounts;
    if (counts) {
      requestsDone += counts.completed + counts.failed;
      requestsFailed += counts.failed;
    }
    if (isTerminal(member.status)) {
      batchesDone += 1;
      continue;
    }
    runningWave = Math.max(runningWave, member.wave);
    if (
      typeof member.expiresAt === "number" &&
      (earliestExpiry === undefined || member.expiresAt < earliestExpiry)
    ) {
      earliestExpiry = member.expiresAt;
    }
  }
  return {
    wave: (runningWave >= 0 ? runningWave : latestWave) + 1,
    waves: totals.waves,
    batchesDone,
    batches: totals.batches,
    requestsDone,
    requestsFailed,
    requests: totals.requests,
    earliestExpiry,
    followUpsRunning,
    followUpRequests,
  };
}

const NUMBER = new Intl.NumberFormat("en-US");

/** The line, without the time to the earliest expiry (which changes with the clock alone). */
export function setProgressHead(summary: SetSummary): string {
  const parts = [
    `${NUMBER.format(summary.batchesDone)}/${NUMBER.format(summary.batches)} batches done`,
    `${NUMBER.format(summary.requestsDone)}/${NUMBER.format(summary.requests)} requests done`,
  ];
  if (summary.requestsFailed > 0) parts.push(`${NUMBER.format(summary.requestsFailed)} failed`);
  if (summary.followUpsRunning > 0) {
    const running = summary.followUpsRunning;
    const requests = summary.followUpRequests;
    parts.push(
      `${NUMBER.format(running)} ${noun(running, "follow-up")} running, ${NUMBER.format(requests)} ${noun(requests, "request")}`,
    );
  }
  return `wave ${summary.wave}/${summary.waves}: ${parts.join(", ")}`;
}

/** The whole line at `nowMs`. */
export function formatSetProgress(summary: SetSummary, nowMs: number): string {
  const head = setProgressHead(summary);
  if (summary.earliestExpiry === undefined) return head;
  return `${head}, earliest expiry ${timeLeft(summary.earliestExpiry * 1000 - nowMs)}`;
}

/** `in 21h`, `in 5m`, `in under a minute`, or `passed`. */
export function timeLeft(leftMs: number): string {
  if (leftMs <= 0) return "passed";
  const minutes = Math.floor(leftMs / 60_000);
  if (minutes < 1) return "in under a minute";
  if (minutes < 60) return `in ${minutes}m`;
  return `in ${Math.floor(minutes / 60)}h`;
}
