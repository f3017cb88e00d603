// A bench child that starts a long-lived process of its own, as a section starts an emulator or
// an engine, writes that process's pid to the file given, then either hangs or answers at once.
const { spawn } = require("node:child_process");
const { writeFileSync } = require("node:fs");

const [pidFile, mode] = process.argv.slice(2);
const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
writeFileSync(pidFile, String(grandchild.pid));
if (mode === "answer") {
  process.send({ ok: true, value: "done" }, () => process.exit(0));
} else {
  setInterval(() => {}, 1000);
}
