import type { Row } from "./types";

/** A number with about three significant digits, thousands separated, or "n/a". */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  const magnitude = Math.abs(value);
  const digits =
    magnitude >= 100 || Number.isInteger(value) ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatValue(value: number | null | undefined, unit: string): string {
  const text = formatNumber(value);
  return text === "n/a" || unit === "" ? text : `${text} ${unit}`;
}

export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "";
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio >= 1 ? ratio.toFixed(2) : ratio.toFixed(3)}×`;
}

/** The cells of a row: figure, value, baseline, ratio, target, met. */
export function rowCells(row: Row): string[] {
  const baseline = row.baseline ? `${row.baseline.name}: ${formatValue(row.baseline.value, row.unit)}` : "";
  const met = row.met === undefined ? "" : row.met ? "yes" : "NO";
  return [
    row.name,
    formatValue(row.value, row.unit),
    baseline,
    formatRatio(row.ratio),
    row.target ?? "",
    met,
  ];
}

export const COLUMNS = [
  "figure",
  "value",
  "baseline (same run, or computed where it says so)",
  "ratio",
  "target",
  "met",
];
