import type { SetMember } from "../contract";
import {
  type FollowUpStatus,
  formatSetProgress,
  type MemberStatus,
  type SetSummary,
  setProgressHead,
  summarizeSet,
} from "./summary";
import { unboundedOutputWarning } from "./unbounded";

/**
 * The shortest time between two progress lines of one set, unless a wave starts or the set is
 * done: a set of hundreds of batches prints a handful of lines, not one per poll.
 */
export const SET_LINE_INTERVAL_MS = 30_000;

/**
 * Writes a line on the set's row. `lasting` lines stay in the Diagnostics block at the end of the
 * up; the others only show on the row while the up runs.
 */
export type SetLineWriter = (line: string, setUrn: string, lasting: boolean) => void;

/** Writes a warning of the set, under its URN. */
export type SetWarningWriter = (message: string, setUrn: string) => void;

/** What the board last wrote for one set. */
interface Written {
  head: string;
  wave: number;
  followUps: number;
  atMs: number;
}

interface SetEntry {
  member: SetMember;
  members: Map<string, MemberStatus>;
  /** The latest follow-up of each batch that made one. */
  followUps: Map<string, FollowUpStatus>;
  /** Each batch checked so far: how many of its requests set no output limit. */
  checked: Map<string, number>;
  /** True once every batch was checked and the set's warning (if any) was written. */
  warned: boolean;
  written?: Written;
}

/**
 * Whether the set's line is due: never twice the same; at once for the first line, a new wave,
 * follow-ups that start when none ran, and the set done; otherwise once `SET_LINE_INTERVAL_MS` has
 * passed since the last one.
 */
export function setLineDue(summary: SetSummary, written: Written | undefined, nowMs: number): boolean {
  if (written === undefined) return true;
  if (setProgressHead(summary) === written.head) return false;
  if (summary.wave !== written.wave || isDone(summary)) return true;
  if (summary.followUpsRunning > 0 && written.followUps === 0) return true;
  return nowMs - written.atMs >= SET_LINE_INTERVAL_MS;
}

function isDone(summary: SetSummary): boolean {
  return summary.batchesDone >= summary.batches && summary.followUpsRunning === 0;
}

/**
 * The sets of this provider process and what each of their batches last said. The batches of a
 * set run side by side in one provider process, each in its own create or update; each tells the
 * board what its polls see (and those of its follow-ups), and the board writes one line for the
 * whole set, under the set's URN. Each batch's `check` tells the board how many of its requests set
 * no output limit, and the set warns about them once, when every batch has been checked.
 */
export class SetProgressBoard {
  private readonly sets = new Map<string, SetEntry>();

  constructor(
    private readonly write: SetLineWriter,
    private readonly warn: SetWarningWriter = () => {},
  ) {}

  /**
   * A batch of the set was checked, and `unbounded` of its requests set no output limit (0 for
   * none). Once every batch of the set has been, the set's warning is written, once, if any did.
   */
  checked(member: SetMember, key: string, unbounded: number): void {
    const entry = this.entryOf(member);
    entry.checked.set(key, unbounded);
    if (entry.warned || entry.checked.size < entry.member.batches) return;
    entry.warned = true;
    const warning = unboundedOutputWarning(entry.member, entry.checked.values());
    if (warning !== undefined) this.warn(warning, member.setUrn);
  }

  /** A poll of a follow-up batch of one of the set's batches: it counts on the set's line while it runs. */
  followUp(member: SetMember, key: string, status: FollowUpStatus, nowMs: number): void {
    const entry = this.entryOf(member);
    entry.followUps.set(key, status);
    this.update(entry, nowMs);
  }

  /** A batch this up leaves alone: it counts as its state says, and no line is written for it. */
  known(member: SetMember, key: string, status: MemberStatus): void {
    this.entryOf(member).members.set(key, status);
  }

  /** A poll of a batch of the set: the set's line is written when it is due. */
  observe(member: SetMember, key: string, status: MemberStatus, nowMs: number): void {
    const entry = this.entryOf(member);
    entry.members.set(key, status);
    this.update(entry, nowMs);
  }

  private update(entry: SetEntry, nowMs: number): void {
    const summary = summarizeSet(entry.member, entry.members.values(), entry.followUps.values());
    if (!setLineDue(summary, entry.written, nowMs)) return;
    entry.written = {
      head: setProgressHead(summary),
      wave: summary.wave,
      followUps: summary.followUpsRunning,
      atMs: nowMs,
    };
    this.write(formatSetProgress(summary, nowMs), entry.member.setUrn, isDone(summary));
  }

  private entryOf(member: SetMember): SetEntry {
    let entry = this.sets.get(member.setUrn);
    if (entry === undefined) {
      entry = { member, members: new Map(), followUps: new Map(), checked: new Map(), warned: false };
      this.sets.set(member.setUrn, entry);
    }
    // The totals of the latest program run.
    entry.member = member;
    return entry;
  }
}
