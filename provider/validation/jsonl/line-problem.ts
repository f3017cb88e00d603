/**
 * One thing wrong with the JSONL input. `line` is 1-based; `field` is a path inside the line;
 * `customId` is the line's custom_id when it has one (and the problem is not about it).
 */
export interface LineProblem {
  line?: number;
  field?: string;
  customId?: string;
  message: string;
}
