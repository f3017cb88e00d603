import { digest } from "../ids";

/**
 * Helpers shared by the emulated endpoints: reply text, seeded numbers, a rough token estimate.
 * Token counts proper come from tokens/ (the emulator's own tokenizer).
 */

/** About four characters per token, at least one. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The text of the last user message (or of the input), cut to `max` characters. */
export function promptText(value: unknown, max = 160): string {
  const whole = lastText(value);
  // Only the start of a long text is looked at: the reply quotes a few words of it.
  const text = (whole.length > 8 * max ? whole.slice(0, 8 * max) : whole).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function lastText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      const text = lastText(value[i]);
      if (text !== "") return text;
    }
    return "";
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.text === "string") return record.text;
    if (record.content !== undefined) return lastText(record.content);
  }
  return "";
}

/** The emulated answer to a prompt. */
export function replyText(prompt: string, seed: string): string {
  const quoted = prompt === "" ? "your request" : `"${prompt}"`;
  return `Emulated response ${seed.slice(0, 8)} to ${quoted}.`;
}

/** `count` numbers in [0, 1), drawn from a seed. */
export function seededUnits(seed: string, count: number): number[] {
  const out: number[] = [];
  for (let block = 0; out.length < count; block++) {
    const bytes = Buffer.from(digest(seed, String(block)), "hex");
    for (let i = 0; i + 4 <= bytes.length && out.length < count; i += 4) {
      out.push(bytes.readUInt32BE(i) / 4294967296);
    }
  }
  return out;
}

/** An integer in [min, max], drawn from a seed. */
export function seededInt(seed: string, min: number, max: number): number {
  const [unit = 0] = seededUnits(seed, 1);
  return min + Math.floor(unit * (max - min + 1));
}
