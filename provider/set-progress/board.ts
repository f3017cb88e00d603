import type { SetMember } from "../contract";
import {
  formatSetProgress,
  type MemberStatus,
  type SetSummary,
  setProgressHead,
  summarizeSet,
} from "./summary";

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

/** What the board last wrote for one set. */
interface Written {
  head: string;
  wave: number;
  atMs: number;
}

interface SetEntry {
  member: SetMember;
  members: Map<string, MemberStatus>;
  written?: Written;
}

/**
 * Whether the set's line is due: never twice the same; at once for the first line, a new wave and
 * the set done; otherwise once `SET_LINE_INTERVAL_MS` has passed since the last one.
 */
export function setLineDue(summary: SetSummary, written: Written | undefined, nowMs: number): boolean {
  if (written === undefined) return true;
  if (setProgressHead(summary) === written.head) return false;
  if (summary.wave !== written.wave || isDone(summary)) return true;
  return nowMs - written.atMs >= SET_LINE_INTERVAL_MS;
}

function isDone(summary: SetSummary): boolean {
  return summary.batchesDone >= summary.batches;
}

/**
 * The sets of this provider process and what each of their batches last said. The batches of a
 * set run side by side in one provider process, each in its own create or update; each tells the
 * board what its polls see, and the board writes one line for the whole set, under the set's URN.
 */
export class SetProgressBoard {
  private readonly sets = new Map<string, SetEntry>();

  constructor(private readonly write: SetLineWriter) {}

  /** A batch this up leaves alone: it counts as its state says, and no line is written for it. */
  known(member: SetMember, key: string, status: MemberStatus): void {
    this.entryOf(member).members.set(key, status);
  }

  /** A poll of a batch of the set: the set's line is written when it is due. */
  observe(member: SetMember, key: string, status: MemberStatus, nowMs: number): void {
    const entry = this.entryOf(member);
    entry.members.set(key, status);
    const summary = summarizeSet(entry.member, entry.members.values());
    if (!setLineDue(summary, entry.written, nowMs)) return;
    entry.written = { head: setProgressHead(summary), wave: summary.wave, atMs: nowMs };
    this.write(formatSetProgress(summary, nowMs), member.setUrn, isDone(summary));
  }

  private entryOf(member: SetMember): SetEntry {
    let entry = this.sets.get(member.setUrn);
    if (entry === undefined) {
      entry = { member, members: new Map() };
      this.sets.set(member.setUrn, entry);
    }
    // The totals of the latest program run.
    entry.member = member;
    return entry;
  }
}
