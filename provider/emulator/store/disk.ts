import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Where the emulator keeps file contents: the data directory when one is given, else a temporary
 * directory removed by `dispose()`.
 *
 *   state.json                   the state (data directory only)
 *   files/<file id>              contents of every file
 *   work/<batch id>.output.jsonl output and error lines of batches still running
 *   uploads/<upload id>/<part>   parts of pending Uploads
 *   tmp/                         request bodies being received
 */
export class Disk {
  private constructor(
    readonly root: string,
    readonly persistent: boolean,
  ) {}

  static async open(dataDir: string | undefined): Promise<Disk> {
    const disk =
      dataDir === undefined
        ? new Disk(await mkdtemp(join(tmpdir(), "openai-batch-emulator-")), false)
        : new Disk(resolve(dataDir), true);
    for (const dir of ["files", "work", "uploads", "tmp"]) {
      await mkdir(join(disk.root, dir), { recursive: true });
    }
    await rm(join(disk.root, "tmp"), { recursive: true, force: true });
    await mkdir(join(disk.root, "tmp"), { recursive: true });
    return disk;
  }

  get statePath(): string {
    return join(this.root, "state.json");
  }

  fileBlob(fileId: string): string {
    return join(this.root, "files", fileId);
  }

  workFile(batchId: string, kind: "output" | "error"): string {
    return join(this.root, "work", `${batchId}.${kind}.jsonl`);
  }

  uploadDir(uploadId: string): string {
    return join(this.root, "uploads", uploadId);
  }

  partBlob(uploadId: string, partId: string): string {
    return join(this.root, "uploads", uploadId, partId);
  }

  tempPath(): string {
    return join(this.root, "tmp", randomBytes(12).toString("hex"));
  }

  /** Deletes every stored content (used by reset). */
  async wipeContents(): Promise<void> {
    for (const dir of ["files", "work", "uploads", "tmp"]) {
      await rm(join(this.root, dir), { recursive: true, force: true });
      await mkdir(join(this.root, dir), { recursive: true });
    }
  }

  async dispose(): Promise<void> {
    if (!this.persistent) await rm(this.root, { recursive: true, force: true });
    else await rm(join(this.root, "tmp"), { recursive: true, force: true });
  }
}
