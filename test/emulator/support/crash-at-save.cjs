// A child process for the persistence tests: it starts the compiled emulator on a data directory,
// stops the next save of the state at a chosen point, prints `HOOK <point>` and waits there, to
// be killed. Usage: node crash-at-save.cjs <compiled emulator index.js> <data dir> <point>
//   mid-write      half of the state's bytes are written and flushed
//   before-rename  all of them are written and flushed; the rename has not happened
//   after-rename   the rename has happened
"use strict";
const fsp = require("node:fs/promises");

const [emulatorIndex, dataDir, point] = process.argv.slice(2);
const { startEmulator } = require(emulatorIndex);

let armed = false;
const hang = () => new Promise(() => {});
function stop() {
  process.stdout.write(`HOOK ${point}\n`);
  return hang();
}

const realOpen = fsp.open;
fsp.open = async (path, flags, mode) => {
  const handle = await realOpen(path, flags, mode);
  if (armed && point === "mid-write" && /state\.json/.test(String(path)) && flags === "w") {
    const realWriteFile = handle.writeFile.bind(handle);
    handle.writeFile = async (data) => {
      const text = String(data);
      await realWriteFile(text.slice(0, Math.floor(text.length / 2)));
      await handle.sync();
      return stop();
    };
  }
  return handle;
};
const realRename = fsp.rename;
fsp.rename = async (from, to) => {
  const isState = armed && /state\.json$/.test(String(to));
  if (isState && point === "before-rename") return stop();
  await realRename(from, to);
  if (isState && point === "after-rename") return stop();
};

async function main() {
  const emulator = await startEmulator({ dataDir, manualClock: true });
  // The start saves the state too: the parent reads it as "the old state", then says go.
  process.stdout.write("STARTED\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  armed = true;
  const form = new FormData();
  form.append("purpose", "batch");
  const line = JSON.stringify({
    custom_id: "second",
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
  });
  form.append("file", new Blob([`${line}\n`]), "second.jsonl");
  await fetch(`${emulator.url}/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${emulator.apiKey}` },
    body: form,
  });
  process.stdout.write("SAVED WITHOUT STOPPING\n");
  await emulator.close();
}
main().catch((error) => {
  process.stderr.write(`${error?.stack}\n`);
  process.exit(1);
});
