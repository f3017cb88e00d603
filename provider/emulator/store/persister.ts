import { type StateSnapshot, writeStateAtomic } from "./state-file";

/**
 * Saves the state after every change. Saves run one at a time; a save asked for while another is
 * running is merged with any other waiting one, and takes its snapshot only when it starts, so
 * each caller's change is on disk when its promise resolves. Without a path nothing is written.
 */
export class Persister {
  private chain: Promise<void> = Promise.resolve();
  private waiting: Promise<void> | undefined;

  constructor(
    private readonly path: string | undefined,
    private readonly snapshot: () => StateSnapshot,
  ) {}

  save(): Promise<void> {
    const path = this.path;
    if (path === undefined) return Promise.resolve();
    if (this.waiting !== undefined) return this.waiting;
    const next = this.chain
      .catch(() => undefined)
      .then(() => {
        this.waiting = undefined;
        return writeStateAtomic(path, this.snapshot());
      });
    this.waiting = next;
    this.chain = next;
    return next;
  }

  /** Resolves when no save is running or waiting. */
  async idle(): Promise<void> {
    await this.chain.catch(() => undefined);
  }
}
