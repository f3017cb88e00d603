/**
 * The cost arguments of a batch (`maxCostUsd`, `assumedOutputTokensPerRequest`, `prices`): which
 * values pass, which are refused and with what message, and that values not known yet pass.
 */
import { describe, expect, test } from "vitest";
import { costArgumentProblems } from "../../../provider/cost/arguments";

/** The value Pulumi gives for an input not known until the deployment. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("cost arguments", () => {
  test.each([
    { maxCostUsd: 0 },
    { maxCostUsd: 2.5 },
    { assumedOutputTokensPerRequest: 0 },
    { assumedOutputTokensPerRequest: 400 },
    { prices: { "gpt-4o-mini": { input: 0.075, output: 0.3 } } },
    { maxCostUsd: UNKNOWN, assumedOutputTokensPerRequest: UNKNOWN, prices: UNKNOWN },
    {},
  ])("%j passes", (inputs) => {
    expect(costArgumentProblems(inputs)).toEqual([]);
  });

  test.each([
    [-1, "assumedOutputTokensPerRequest is -1; give a whole number of tokens, 0 or more"],
    [2.5, "assumedOutputTokensPerRequest is 2.5; give a whole number of tokens, 0 or more"],
    ["10", 'assumedOutputTokensPerRequest is "10"; give a whole number of tokens, 0 or more'],
  ])("assumedOutputTokensPerRequest %j is refused", (assumed, reason) => {
    expect(costArgumentProblems({ assumedOutputTokensPerRequest: assumed })).toEqual([
      { property: "assumedOutputTokensPerRequest", reason },
    ]);
  });

  test("prices that are not a table are refused as prices", () => {
    expect(costArgumentProblems({ prices: { "gpt-4o-mini": { input: 0.075 } } })).toEqual([
      {
        property: "prices",
        reason:
          'prices["gpt-4o-mini"].output is missing; give US dollars per million tokens as a number of 0 or more',
      },
    ]);
  });
});
