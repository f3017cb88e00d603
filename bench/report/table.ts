import { COLUMNS, rowCells } from "./format";
import type { BenchResults, SectionResult } from "./types";

/** The results as aligned plain text, one block per section, then the assertions. */
export function textTable(results: BenchResults): string {
  const lines: string[] = [];
  for (const section of results.sections) {
    lines.push("", `${section.title}${timing(section)}`);
    if (section.skipped !== undefined) {
      lines.push(`  skipped: ${section.skipped}`);
      continue;
    }
    const cells = [COLUMNS, ...section.rows.map(rowCells)];
    const widths = COLUMNS.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
    for (const [index, row] of cells.entries()) {
      lines.push(
        `  ${row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join("  ")
          .trimEnd()}`,
      );
      if (index === 0) lines.push(`  ${widths.map((width) => "-".repeat(width)).join("  ")}`);
    }
    for (const note of section.notes) lines.push(`  note: ${note}`);
  }
  lines.push("", assertionSummary(results));
  return lines.join("\n");
}

/** The results as Markdown tables, for bench/README.md. */
export function markdownTable(results: BenchResults): string {
  const lines: string[] = [];
  for (const section of results.sections) {
    lines.push("", `**${section.title}**${timing(section)}`, "");
    if (section.skipped !== undefined) {
      lines.push(`Skipped: ${section.skipped}`);
      continue;
    }
    lines.push(`| ${COLUMNS.join(" | ")} |`, `|${COLUMNS.map(() => "---").join("|")}|`);
    for (const row of section.rows) lines.push(`| ${rowCells(row).map(escapeCell).join(" | ")} |`);
    if (section.notes.length > 0) lines.push("");
    for (const note of section.notes) lines.push(`- ${note}`);
  }
  lines.push("", assertionSummary(results));
  return lines.join("\n");
}

function timing(section: SectionResult): string {
  return section.skipped === undefined ? ` (${(section.durationMs / 1000).toFixed(1)} s)` : "";
}

function escapeCell(cell: string): string {
  return cell.replaceAll("|", "\\|");
}

function assertionSummary(results: BenchResults): string {
  const all = results.sections.flatMap((section) => section.assertions);
  const failed = all.filter((assertion) => !assertion.pass);
  const lines = [`Assertions: ${all.length - failed.length} of ${all.length} held.`];
  for (const assertion of failed) lines.push(`  FAILED ${assertion.name}: ${assertion.detail}`);
  return lines.join("\n");
}
