import { hostEngineAddress, type ResourceDiagnostics, resourceDiagnostics } from "../diagnostics";
import { SetProgressBoard } from "../set-progress";
import { type Logger, loggerFromEnv } from "./logger";
import { withStreamingUploads } from "./streaming-upload-fetch";

/**
 * The outside world, in one small object so that tests can replace it: the network (`fetch`), the
 * clock (`now`, `sleep`), chance (`random`), the environment, the working directory, the log and
 * the progress lines. Every default is the real thing.
 */
export interface RuntimeDeps extends ResourceDiagnostics {
  fetch: typeof fetch;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  env: Readonly<Record<string, string | undefined>>;
  cwd(): string;
  log: Logger;
  /** Where the batches of a `BatchSet` report, for one line on the set's row (see `set-progress/`). */
  sets: SetProgressBoard;
  // From ResourceDiagnostics: `progress` (lines while a wait goes on, see progress.ts), `warning`
  // (the cost estimate's) and `delivered`. In Pulumi's dynamic-provider host they go to the engine
  // with the resource's URN; elsewhere progress lines go to standard output.
}

export function realDeps(overrides: Partial<RuntimeDeps> = {}): RuntimeDeps {
  const env = overrides.env ?? process.env;
  const deps: Omit<RuntimeDeps, "sets"> = {
    fetch: withStreamingUploads((input, init) => fetch(input, init)),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    env,
    cwd: () => process.cwd(),
    log: loggerFromEnv(env),
    ...resourceDiagnostics(hostEngineAddress()),
    ...overrides,
  };
  // The set's lines go where the progress lines go (a line only shown while the up runs is
  // ephemeral), and its warning where the batches' warnings go.
  const sets =
    overrides.sets ??
    new SetProgressBoard(
      (line, setUrn, lasting) => deps.progress(line, setUrn, { ephemeral: !lasting }),
      (message, setUrn) => deps.warning(message, setUrn),
    );
  return { ...deps, sets };
}
