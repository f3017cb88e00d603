import { expect, test } from "vitest";
import { overLimitAlone } from "../../provider/runtime/queue-full";

const state = (inputTokens: number, message: string) => ({
  estimate: { inputTokens } as never,
  errors: [{ code: "token_limit_exceeded", message }],
});

test.each([
  [
    "OpenAI's wording",
    "Enqueued token limit reached for gpt-4o-mini in organization org-x. Limit: 2,000,000 enqueued tokens.",
    2_000_000,
  ],
  [
    "Azure's, in thousands",
    "The number of enqueued tokens has surpassed the configured limit of 30K for the deployment 'd'.",
    30_000,
  ],
  [
    "Azure's, in millions",
    "The number of enqueued tokens has surpassed the configured limit of 1.5M for the deployment 'd'.",
    1_500_000,
  ],
  [
    "Azure's, as a number",
    "The number of enqueued tokens has surpassed the configured limit of 2500 for the deployment 'd'.",
    2_500,
  ],
])(
  "the limit %s names is read: a batch one token over it is over it alone, one at it is not",
  (_name, message, limit) => {
    expect(overLimitAlone(state(limit + 1, message))).toEqual({ tokens: limit + 1, limit });
    expect(overLimitAlone(state(limit, message))).toBeUndefined();
  },
);

test("a message that names no limit gives none", () => {
  expect(overLimitAlone(state(10 ** 9, "The queue is full."))).toBeUndefined();
});
