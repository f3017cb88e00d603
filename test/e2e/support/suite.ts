/**
 * The setup most engine scenarios share: before the suite's tests, an emulator whose clock moves
 * only when a test says so (a batch stays where the test put it) and a workspace whose provider
 * talks to it; after them, both are closed.
 */
import { afterAll, beforeAll } from "vitest";
import { SETUP_TIMEOUT, TestEmulator } from "./batches";
import { createWorkspace, type E2eWorkspace } from "./workspace";

export interface ScenarioParts {
  emulator: TestEmulator;
  ws: E2eWorkspace;
}

/** Registers the suite's setup and teardown; `started` receives the parts once they are up. */
export function withManualClockEmulator(projectName: string, started: (parts: ScenarioParts) => void): void {
  let parts: Partial<ScenarioParts> = {};
  beforeAll(async () => {
    const emulator = await TestEmulator.start({ manualClock: true });
    parts = { emulator };
    const ws = await createWorkspace({ projectName, env: emulator.providerEnv() });
    parts = { emulator, ws };
    started({ emulator, ws });
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await parts.ws?.cleanup();
    await parts.emulator?.close();
  });
}
