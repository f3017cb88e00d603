import { performance } from "node:perf_hooks";

export interface ClockOptions {
  /** Emulator time at start, unix ms. */
  startMs: number;
  /** Emulator time runs this many times faster than real time. */
  timeScale: number;
  /** When true, time only moves through `advance()`. */
  manual: boolean;
  /** Monotonic real time in ms; defaults to `performance.now`. */
  realNow?: () => number;
}

/**
 * The emulator's clock. In real-time mode it runs `timeScale` times faster than real time from
 * `startMs`; in manual mode it stands still. In both modes `advance()` moves it forward. It never
 * goes backwards.
 */
export class EmulatorClock {
  readonly manual: boolean;
  readonly timeScale: number;
  private readonly realNow: () => number;
  private baseEmulatorMs: number;
  private baseRealMs: number;

  constructor(options: ClockOptions) {
    this.manual = options.manual;
    this.timeScale = options.timeScale;
    this.realNow = options.realNow ?? (() => performance.now());
    this.baseEmulatorMs = options.startMs;
    this.baseRealMs = this.realNow();
  }

  now(): number {
    if (this.manual) return Math.floor(this.baseEmulatorMs);
    return Math.floor(this.baseEmulatorMs + (this.realNow() - this.baseRealMs) * this.timeScale);
  }

  advance(ms: number): void {
    const current = this.manual
      ? this.baseEmulatorMs
      : this.baseEmulatorMs + (this.realNow() - this.baseRealMs) * this.timeScale;
    this.baseRealMs = this.realNow();
    this.baseEmulatorMs = current + ms;
  }
}

/**
 * Where a restarted emulator's clock starts: where it stopped, plus the real time spent stopped
 * (scaled) unless the clock is manual.
 */
export function resumedStartMs(
  saved: { emulatorMs: number; savedAtEpochMs: number },
  timeScale: number,
  manual: boolean,
  epochNow: number,
): number {
  if (manual) return saved.emulatorMs;
  return saved.emulatorMs + Math.max(0, epochNow - saved.savedAtEpochMs) * timeScale;
}
