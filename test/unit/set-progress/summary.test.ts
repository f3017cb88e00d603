import { describe, expect, test } from "vitest";
import {
  type FollowUpStatus,
  formatSetProgress,
  type MemberStatus,
  SET_LINE_INTERVAL_MS,
  SetProgressBoard,
  setMemberOf,
  summarizeSet,
  unboundedOutputWarning,
} from "../../../provider/set-progress";

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const at = (ms: number) => (NOW + ms) / 1000;
const counts = (total: number, completed: number, failed = 0) => ({ total, completed, failed });
const TOTALS = { waves: 3, batches: 35, requests: 3_500 };

describe("the set's progress line", () => {
  test.each<[string, MemberStatus[], string]>([
    ["no batch heard of yet", [], "wave 1/3: 0/35 batches done, 0/3,500 requests done"],
    [
      "the latest running wave, requests done and failed, the earliest expiry of the running batches",
      [
        { wave: 0, status: "completed", requestCounts: counts(100, 97, 3), expiresAt: at(HOUR) },
        { wave: 1, status: "in_progress", requestCounts: counts(100, 40, 2), expiresAt: at(21 * HOUR + 5) },
        { wave: 1, status: "validating", requestCounts: null, expiresAt: at(23 * HOUR) },
        { wave: 0, status: "failed", requestCounts: counts(100, 0, 0), expiresAt: null },
      ],
      "wave 2/3: 2/35 batches done, 142/3,500 requests done, 5 failed, earliest expiry in 21h",
    ],
    [
      "with nothing running, the latest wave heard of; no expiry",
      [
        { wave: 2, status: "completed", requestCounts: counts(1_000, 1_000), expiresAt: at(HOUR) },
        { wave: 0, status: "expired", requestCounts: counts(1_000, 10, 0) },
      ],
      "wave 3/3: 2/35 batches done, 1,010/3,500 requests done",
    ],
    [
      "an expiry within the hour, in minutes",
      [{ wave: 0, status: "finalizing", requestCounts: counts(10, 10), expiresAt: at(42 * 60_000 + 1) }],
      "wave 1/3: 0/35 batches done, 10/3,500 requests done, earliest expiry in 42m",
    ],
    [
      "an expiry in the past",
      [{ wave: 0, status: "in_progress", expiresAt: at(-1_000) }],
      "wave 1/3: 0/35 batches done, 0/3,500 requests done, earliest expiry passed",
    ],
  ])("%s", (_, members, line) => {
    expect(formatSetProgress(summarizeSet(TOTALS, members), NOW)).toBe(line);
  });

  const allDone: MemberStatus[] = [{ wave: 2, status: "completed", requestCounts: counts(3_500, 3_460, 40) }];
  test.each<[string, FollowUpStatus[], string]>([
    [
      "follow-ups running, with the requests they resubmit",
      [
        { status: "in_progress", requests: 30 },
        { status: "validating", requests: 10 },
        { status: "completed", requests: 5 },
      ],
      "wave 3/3: 1/35 batches done, 3,500/3,500 requests done, 40 failed, 2 follow-ups running, 40 requests",
    ],
    [
      "one follow-up of one request",
      [{ status: "finalizing", requests: 1 }],
      "wave 3/3: 1/35 batches done, 3,500/3,500 requests done, 40 failed, 1 follow-up running, 1 request",
    ],
    [
      "follow-ups that have finished are not said",
      [{ status: "failed", requests: 7 }],
      "wave 3/3: 1/35 batches done, 3,500/3,500 requests done, 40 failed",
    ],
  ])("%s", (_, followUps, line) => {
    expect(formatSetProgress(summarizeSet(TOTALS, allDone, followUps), NOW)).toBe(line);
  });
});

describe("the set's warning about unbounded output", () => {
  test.each<[string, number[], string | undefined]>([
    [
      "some requests of some batches",
      [0, 30, 10, 0],
      "40 of 3,500 requests in 2 of 35 batches set no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
    ],
    ["every request bounded", [0, 0], undefined],
    ["no batch checked", [], undefined],
  ])("%s", (_, perBatch, warning) => {
    expect(unboundedOutputWarning(TOTALS, perBatch)).toBe(warning);
  });

  test("one request of one batch", () => {
    expect(unboundedOutputWarning({ waves: 1, batches: 1, requests: 1 }, [1])).toBe(
      "1 of 1 request in 1 of 1 batch sets no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
    );
  });
});

describe("the setMember input", () => {
  const member = { setUrn: "urn:pulumi:dev::p::t::set", wave: 0, waves: 1, batches: 2, requests: 4 };
  test.each<[string, unknown, unknown]>([
    ["as a set writes it", member, member],
    ["absent (a state of an older release)", undefined, undefined],
    ["a URN that is no URN", { ...member, setUrn: "set" }, undefined],
    ["a count that is no whole number", { ...member, batches: 1.5 }, undefined],
    ["a negative wave", { ...member, wave: -1 }, undefined],
    ["a string", "urn:pulumi:dev::p::t::set", undefined],
  ])("%s", (_, value, expected) => {
    expect(setMemberOf(value)).toEqual(expected);
  });
});

describe("SetProgressBoard", () => {
  const member = (wave: number) => ({
    setUrn: "urn:pulumi:dev::p::t::set",
    wave,
    waves: 2,
    batches: 3,
    requests: 30,
  });
  const running = (completed: number) => ({ status: "in_progress", requestCounts: counts(10, completed) });
  const done = { status: "completed", requestCounts: counts(10, 10) };

  test("writes under the set's URN: the first line, a new wave and the set done at once; other changes at most every interval; never the same line twice", () => {
    const lines: [string, string, boolean][] = [];
    const board = new SetProgressBoard((line, urn, lasting) => lines.push([line, urn, lasting]));
    board.observe(member(0), "a", { wave: 0, ...running(0) }, NOW);
    board.observe(member(0), "a", { wave: 0, ...running(0) }, NOW + 1);
    board.observe(member(0), "b", { wave: 0, ...running(5) }, NOW + 2);
    board.observe(member(0), "a", { wave: 0, ...done }, NOW + SET_LINE_INTERVAL_MS - 1);
    board.observe(member(0), "b", { wave: 0, ...running(6) }, NOW + SET_LINE_INTERVAL_MS);
    board.observe(member(0), "b", { wave: 0, ...done }, NOW + SET_LINE_INTERVAL_MS + 1);
    board.observe(member(1), "c", { wave: 1, ...running(1) }, NOW + SET_LINE_INTERVAL_MS + 2);
    board.observe(member(1), "c", { wave: 1, ...done }, NOW + SET_LINE_INTERVAL_MS + 3);
    board.observe(member(1), "c", { wave: 1, ...done }, NOW + 2 * SET_LINE_INTERVAL_MS);
    const urn = "urn:pulumi:dev::p::t::set";
    expect(lines).toEqual([
      ["wave 1/2: 0/3 batches done, 0/30 requests done", urn, false],
      ["wave 1/2: 1/3 batches done, 16/30 requests done", urn, false],
      ["wave 2/2: 2/3 batches done, 21/30 requests done", urn, false],
      ["wave 2/2: 3/3 batches done, 30/30 requests done", urn, true],
    ]);
  });

  test("a batch the up leaves alone counts as its state says, and writes nothing", () => {
    const lines: string[] = [];
    const board = new SetProgressBoard((line) => lines.push(line));
    board.known(member(0), "a", { wave: 0, ...done });
    board.known(member(0), "b", { wave: 0, ...done });
    expect(lines).toEqual([]);
    board.observe(member(1), "c", { wave: 1, ...done }, NOW);
    expect(lines).toEqual(["wave 2/2: 3/3 batches done, 30/30 requests done"]);
  });

  test("follow-ups that start once the batches are done are said at once, and the set is done again when they end", () => {
    const lines: [string, boolean][] = [];
    const board = new SetProgressBoard((line, _urn, lasting) => lines.push([line, lasting]));
    const one = { ...member(0), waves: 1, batches: 2, requests: 20 };
    board.observe(one, "a", { wave: 0, ...done }, NOW);
    board.observe(one, "b", { wave: 0, status: "completed", requestCounts: counts(10, 6, 4) }, NOW + 1);
    board.followUp(one, "b", { status: "validating", requests: 4 }, NOW + 2);
    board.followUp(one, "b", { status: "in_progress", requests: 4 }, NOW + 3);
    board.followUp(one, "b", { status: "completed", requests: 4 }, NOW + 4);
    expect(lines).toEqual([
      ["wave 1/1: 1/2 batches done, 10/20 requests done", false],
      ["wave 1/1: 2/2 batches done, 20/20 requests done, 4 failed", true],
      ["wave 1/1: 2/2 batches done, 20/20 requests done, 4 failed, 1 follow-up running, 4 requests", false],
      ["wave 1/1: 2/2 batches done, 20/20 requests done, 4 failed", true],
    ]);
  });

  test("warns once, under the set, when every batch has been checked and some requests set no output limit", () => {
    const warnings: [string, string][] = [];
    const board = new SetProgressBoard(
      () => {},
      (message, urn) => warnings.push([message, urn]),
    );
    board.checked(member(0), "a", 2);
    board.checked(member(0), "b", 0);
    expect(warnings).toEqual([]);
    board.checked(member(1), "c", 1);
    board.checked(member(1), "c", 1);
    expect(warnings).toEqual([
      [
        "3 of 30 requests in 2 of 3 batches set no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
        "urn:pulumi:dev::p::t::set",
      ],
    ]);
  });

  test("no warning when every request of the set sets an output limit", () => {
    const warnings: string[] = [];
    const board = new SetProgressBoard(
      () => {},
      (message) => warnings.push(message),
    );
    for (const key of ["a", "b", "c"]) board.checked(member(0), key, 0);
    expect(warnings).toEqual([]);
  });

  test("each set has a line of its own", () => {
    const lines: [string, string][] = [];
    const board = new SetProgressBoard((line, urn) => lines.push([line, urn]));
    board.observe(member(0), "a", { wave: 0, ...done }, NOW);
    board.observe(
      { ...member(0), setUrn: "urn:pulumi:dev::p::t::other" },
      "a",
      { wave: 0, ...running(1) },
      NOW,
    );
    expect(lines).toEqual([
      ["wave 1/2: 1/3 batches done, 10/30 requests done", "urn:pulumi:dev::p::t::set"],
      ["wave 1/2: 0/3 batches done, 1/30 requests done", "urn:pulumi:dev::p::t::other"],
    ]);
  });
});
