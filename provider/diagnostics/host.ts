import { type DiagnosticSeverity, type DiagnosticSink, engineLog } from "./engine-log";

/**
 * The engine's address when this process is Pulumi's dynamic-provider host: the engine starts
 * the host (`@pulumi/pulumi/cmd/dynamic-provider`) with its address as the first argument.
 * Undefined in any other process (a test, a CLI), which has no engine to talk to.
 */
export function hostEngineAddress(
  argv: readonly string[] = process.argv,
  mainFile: string | undefined = require.main?.filename,
): string | undefined {
  const isHost = mainFile !== undefined && /[\\/]cmd[\\/]dynamic-provider(?:[\\/]index\.js)?$/.test(mainFile);
  const address = argv[2];
  return isHost && address !== undefined && address !== "" ? address : undefined;
}

/** Where the runtime's progress lines and warnings go. */
export interface ResourceDiagnostics {
  /**
   * A progress line while waiting (info). An ephemeral line shows on the resource's row while the
   * operation runs, and is left out of the Diagnostics block at its end.
   */
  progress(line: string, urn?: string, options?: { ephemeral?: boolean }): void;
  /** A warning the user should see at preview: the cost estimate's. */
  warning(line: string, urn?: string): void;
  /** Resolves once every line written so far has been delivered. */
  delivered(): Promise<void>;
}

/**
 * Progress lines and warnings under the resource's URN through the engine at `engineAddress`.
 * Without an engine, or when it cannot be reached, progress lines go to standard output (which the
 * engine shows under the stack) and warnings only to the provider log, which the caller writes.
 */
export function resourceDiagnostics(engineAddress: string | undefined): ResourceDiagnostics {
  const fallback = (severity: DiagnosticSeverity, line: string) => {
    if (severity === "info") {
      process.stdout.write(`${line}\n`);
    }
  };
  if (engineAddress === undefined) {
    return {
      progress: (line) => fallback("info", line),
      warning: () => {},
      delivered: () => Promise.resolve(),
    };
  }
  let sink: DiagnosticSink | undefined;
  const engine = () => {
    sink ??= engineLog(engineAddress, fallback);
    return sink;
  };
  return {
    progress: (line, urn, options) => engine().write("info", line, urn, options?.ephemeral ?? false),
    warning: (line, urn) => engine().write("warning", line, urn),
    delivered: () => sink?.delivered() ?? Promise.resolve(),
  };
}
