import { describe, expect, test } from "vitest";
import { formatUsd } from "../../../provider/cost/format-usd";

describe("formatUsd: fixed notation, to the millionth of a dollar the figures are kept to", () => {
  test.each([
    [0, "$0.00"],
    [0.000002, "$0.000002"],
    [0.000001, "$0.000001"],
    [0.000125, "$0.000125"],
    [0.0000001, "$0.0000001"],
    [1.234e-9, "$0.00000000123"],
    [0.5, "$0.50"],
    [0.600001, "$0.600001"],
    [1, "$1.00"],
    [1234.5, "$1,234.50"],
    [12345.678901, "$12,345.678901"],
    [2.5e7, "$25,000,000.00"],
    [-0.25, "-$0.25"],
  ])("%s is %s", (dollars, text) => {
    expect(formatUsd(dollars)).toBe(text);
  });

  test("never an exponent, from a billionth of a dollar to a billion dollars", () => {
    for (let exponent = -9; exponent <= 9; exponent += 1) {
      for (const mantissa of [1, 2, 3.5, 7.25]) {
        expect(formatUsd(mantissa * 10 ** exponent)).toMatch(/^\$[\d,]+\.\d+$/);
      }
    }
  });
});
