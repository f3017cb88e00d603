/**
 * A `BatchSet`'s progress, reported on the set's own row: its batches tell a board in the
 * provider process what their polls see, and the board writes one line for the set.
 */
export {
  SET_LINE_INTERVAL_MS,
  type SetLineWriter,
  SetProgressBoard,
  type SetWarningWriter,
  setLineDue,
} from "./board";
export { setMemberOf } from "./member";
export {
  type FollowUpStatus,
  formatSetProgress,
  type MemberStatus,
  type SetSummary,
  type SetTotals,
  setProgressHead,
  summarizeSet,
  timeLeft,
} from "./summary";
export { unboundedOutputWarning } from "./unbounded";
