/** One thing wrong with the JSONL input. `line` is 1-based; `field` is a path inside the line. */
export interface LineProblem {
  line?: number;
  field?: string;
  message: string;
}
