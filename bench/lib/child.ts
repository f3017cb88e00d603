import { fork } from "node:child_process";

type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

/** The process groups of the children still running, killed when this process is stopped. */
const liveGroups = new Set<number>();

/** Kills a child's whole process group: the child and whatever it started (an emulator, an engine). */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is gone already.
  }
  liveGroups.delete(pid);
}

let stopHandlersInstalled = false;

/** Ctrl+C or a kill of the bench stops the children's groups too, which no longer share ours. */
function installStopHandlers(): void {
  if (stopHandlersInstalled) return;
  stopHandlersInstalled = true;
  process.on("exit", () => {
    for (const pid of liveGroups) killGroup(pid);
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      for (const pid of liveGroups) killGroup(pid);
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Runs `modulePath` in a fresh Node.js process and resolves with the one value it sends back
 * through `serveInChild`. A child that fails, exits without answering or outlives `timeoutMs` is
 * an error. The child runs in a process group of its own, which is killed when it exits or times
 * out, so nothing it started (an emulator, an engine) outlives it.
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
      detached: true,
    });
    const pid = child.pid;
    if (pid !== undefined) {
      installStopHandlers();
      liveGroups.add(pid);
    }
    let reply: Reply<T> | undefined;
    const timer = setTimeout(() => {
      if (pid !== undefined) killGroup(pid);
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
      if (pid !== undefined) killGroup(pid);
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
