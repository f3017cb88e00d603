/**
 * Ends the process on SIGINT, SIGTERM and SIGHUP with the exit code a shell gives a process the
 * signal ended (128 and the signal's number), through `process.exit`, so that the `exit` hooks
 * run first: they remove the temporary files of a write or a join in progress (see
 * results/temp-space.ts). Without a handler, Node.js would end at once and leave them.
 */
export function exitOnSignals(): void {
  const codes = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
  for (const [signal, code] of Object.entries(codes)) {
    process.once(signal, () => process.exit(code));
  }
}
