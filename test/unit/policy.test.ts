import { describe, expect, test } from "vitest";
import { pollDelayMs } from "../../provider/policy/backoff";
import { isLive, isTerminal, phaseOf } from "../../provider/policy/lifecycle";
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from "../../provider/policy/retry";

describe("pollDelayMs", () => {
  test.each([
    [0, 30_000, 0, 1_000],
    [1, 30_000, 0, 2_000],
    [4, 30_000, 0, 16_000],
    [5, 30_000, 0, 30_000],
    [50, 30_000, 0, 30_000],
    [5, 30_000, 0.5, 28_500],
    [5, 30_000, 0.999, 27_003],
    [0, 500, 0, 500],
  ])("attempt %i with cap %i and random %f waits %i ms", (attempt, cap, random, expected) => {
    expect(pollDelayMs(attempt, cap, random)).toBe(expected);
  });
});

describe("retry policy", () => {
  test.each([
    [undefined, true],
    [408, true],
    [409, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
  ])("status %s retryable: %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  test.each([
    [0, { status: 500, retryAfterMs: undefined }, 0, 500],
    [1, { status: 500, retryAfterMs: undefined }, 0, 1_000],
    [10, { status: 500, retryAfterMs: undefined }, 0, 8_000],
    [10, { status: 500, retryAfterMs: undefined }, 1, 6_000],
    [0, { status: 429, retryAfterMs: 2_500 }, 0.7, 2_500],
    [0, { status: 429, retryAfterMs: 60_000 }, 0, 60_000],
    [0, { status: 429, retryAfterMs: 3_600_000 }, 0, undefined],
    // "Now" is honoured as no wait at all; a negative wish is no wish: the backoff applies.
    [3, { status: 429, retryAfterMs: 0 }, 0.5, 0],
    [1, { status: 503, retryAfterMs: -1_000 }, 0, 1_000],
  ])("retry %i after %o with random %f waits %i ms", (attempt, failure, random, expected) => {
    expect(retryDelayMs(attempt, failure, random)).toBe(expected);
  });

  test.each([
    [{ "retry-after-ms": "1500" }, 1500],
    [{ "retry-after": "3" }, 3000],
    [{ "retry-after": "Thu, 01 Jan 1970 00:00:10 GMT" }, 5000],
    [{ "retry-after": "soon" }, undefined],
    // A retry-after-ms that is not a number falls back to retry-after; "0" is a wish too.
    [{ "retry-after-ms": "soon", "retry-after": "2" }, 2000],
    [{ "retry-after-ms": "soon" }, undefined],
    [{ "retry-after-ms": "0", "retry-after": "9" }, 0],
    [{}, undefined],
  ])("parseRetryAfter(%o) is %s", (headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), 5_000)).toBe(expected);
  });
});

describe("lifecycle", () => {
  test.each([
    ["validating", "running", false],
    ["in_progress", "running", false],
    ["finalizing", "running", false],
    ["cancelling", "stopping", false],
    ["completed", "succeeded", true],
    ["failed", "unsuccessful", true],
    ["expired", "unsuccessful", true],
    ["cancelled", "unsuccessful", true],
    ["some_new_status", "running", false],
  ])("%s is %s (terminal: %s)", (status, phase, terminal) => {
    expect(phaseOf(status)).toBe(phase);
    expect(isTerminal(status)).toBe(terminal);
    expect(isLive(status)).toBe(!terminal);
  });
});
