import { fork } from "node:child_process";

type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Runs `modulePath` in a fresh Node.js process and resolves with the one value it sends back
 * through `serveInChild`. A child that fails, exits without answering or outlives `timeoutMs` is
 * an error; the child is always gone when this returns.
 */
export function runInChild<T>(
  modulePath: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(modulePath, [...args], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: [],
      env: options.env ?? process.env,
    });
    let reply: Reply<T> | undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${modulePath} ${args.join(" ")} took longer than ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.on("message", (message) => {
      reply = message as Reply<T>;
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (reply === undefined) {
        reject(new Error(`${modulePath} ${args.join(" ")} exited (${signal ?? code}) without a result`));
      } else if (reply.ok) {
        resolve(reply.value);
      } else {
        reject(new Error(reply.error));
      }
    });
  });
}

/** The child side of `runInChild`: runs `task`, sends its value (or error) to the parent, and exits. */
export function serveInChild<T>(task: () => Promise<T>): void {
  const send = (reply: Reply<T>) =>
    new Promise<void>((resolve) => {
      if (process.send === undefined) {
        process.stdout.write(`${JSON.stringify(reply)}\n`);
        resolve();
        return;
      }
      process.send(reply, () => resolve());
    });
  task()
    .then((value) => send({ ok: true, value }))
    .catch((error: unknown) =>
      send({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    )
    .finally(() => process.exit(0));
}
