/** The first poll comes this soon; each later one waits twice as long, up to the cap. */
export const FIRST_POLL_DELAY_MS = 1_000;

/**
 * The delay before poll number `attempt` (0-based): 1 s, 2 s, 4 s, ... capped at `capMs`, then
 * shortened by up to 10% of jitter (`random` in [0, 1)), so that many waiting batches spread out
 * yet none ever waits longer than the cap. The number of polls therefore grows with
 * log2(cap / 1 s) plus the elapsed time divided by the cap.
 */
export function pollDelayMs(attempt: number, capMs: number, random: number): number {
  const exponential = FIRST_POLL_DELAY_MS * 2 ** Math.min(attempt, 30);
  const base = Math.min(capMs, exponential);
  return Math.max(1, Math.round(base * (1 - 0.1 * random)));
}
