import { type Logger, loggerFromEnv } from "./logger";
import { withStreamingUploads } from "./streaming-upload-fetch";

/**
 * The outside world, in one small object so that tests can replace it: the network (`fetch`), the
 * clock (`now`, `sleep`), chance (`random`), the environment, the working directory, the log and
 * the progress lines. Every default is the real thing.
 */
export interface RuntimeDeps {
  fetch: typeof fetch;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  env: Readonly<Record<string, string | undefined>>;
  cwd(): string;
  log: Logger;
  /**
   * Where progress lines go while a wait goes on (see progress.ts): the host's standard output,
   * which the engine shows as info-level diagnostics.
   */
  progress(line: string): void;
}

export function realDeps(overrides: Partial<RuntimeDeps> = {}): RuntimeDeps {
  const env = overrides.env ?? process.env;
  return {
    fetch: withStreamingUploads((input, init) => fetch(input, init)),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    env,
    cwd: () => process.cwd(),
    log: loggerFromEnv(env),
    progress: (line) => {
      process.stdout.write(`${line}\n`);
    },
    ...overrides,
  };
}
