/**
 * US dollars as people read them, in fixed notation: never `2e-6`. Costs are kept to a millionth
 * of a dollar (see `usd`), so up to six decimals are shown, trailing zeros trimmed to cents:
 * `$0.000002`, `$0.000125`, `$0.50`, `$1,234.50`. A non-zero amount below a millionth (a budget
 * someone set that low) keeps three significant digits, `$0.0000001`, rather than reading `$0.00`.
 * Pure.
 */
export function formatUsd(dollars: number): string {
  const sign = dollars < 0 ? "-" : "";
  const amount = Math.abs(dollars);
  const format = amount !== 0 && amount < 1e-6 ? TINY : NORMAL;
  return `${sign}$${format.format(amount)}`;
}

const NORMAL = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 });
const TINY = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });
