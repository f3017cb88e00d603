import { readFile, stat } from "node:fs/promises";
import type { PriceOverrides } from "../../cost/prices";
import { pricesProblems } from "../../cost/prices";
import { describeFileSystemError, describeNonRegular } from "../../validation/jsonl/open-input-file";
import { CliFileError, CliUsageError } from "../errors";

/** A prices file is a small JSON object; anything larger is not one. */
const MAX_PRICES_FILE_BYTES = 1024 * 1024;

/**
 * Reads `--prices <file>`: a JSON object of model names to `{input, cachedInput?, output}` in US
 * dollars per million tokens at batch rates, the shape of the resources' `prices` argument,
 * checked by the same rules. A file that cannot be read is a `CliFileError`; one whose content is
 * not such an object is a `CliUsageError` naming each problem.
 */
export async function readPricesFile(path: string, label: string): Promise<PriceOverrides> {
  let text: string;
  try {
    const stats = await stat(path);
    const what = describeNonRegular(stats);
    if (what !== undefined) throw new CliFileError(label, `${what}; give the path of a JSON file of prices`);
    if (stats.size > MAX_PRICES_FILE_BYTES) {
      throw new CliFileError(
        label,
        `it is ${stats.size.toLocaleString("en-US")} bytes, more than a prices file's ${MAX_PRICES_FILE_BYTES.toLocaleString("en-US")}; give the path of a JSON file of prices`,
      );
    }
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof CliFileError) throw error;
    throw new CliFileError(label, describeFileSystemError(error));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliUsageError(
      `--prices ${label} is not JSON; write the prices as {"model": {"input": 0.075, "output": 0.3}}, in US dollars per million tokens at batch rates`,
    );
  }
  const problems = pricesProblems(value);
  if (problems.length > 0) {
    throw new CliUsageError(`--prices ${label}: ${problems.join("; ")}`);
  }
  return value as PriceOverrides;
}
