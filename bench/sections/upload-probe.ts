/**
 * Child process of the upload figures: uploads one file to the emulator, either through the
 * provider's upload path (`OpenAIBatchApi.uploadInputOnce` with a file-backed Blob) or the `openai`
 * SDK's documented way (`files.create({ file: fs.createReadStream(path) })`), and reports the time
 * and peak RSS growth. Usage: node upload-probe.js <provider|sdk> <path> <baseUrl> <apiKey>
 */
import { createReadStream, openAsBlob } from "node:fs";
import { basename } from "node:path";
import OpenAI from "openai";
import { OPENAI_PROFILE } from "../../provider/backends";
import { realDeps } from "../../provider/runtime/deps";
import { OpenAIBatchApi } from "../../provider/runtime/openai-api";
import { serveInChild } from "../lib/child";
import { type Measurement, measure } from "../lib/measure";

export type UploadProbeKind = "provider" | "sdk";

export interface UploadProbeResult {
  fileId: string;
  bytes: number;
}

if (require.main === module) {
  const [kind, path, baseUrl, apiKey] = process.argv.slice(2) as [UploadProbeKind, string, string, string];
  const filename = basename(path);
  // Both clients are made before the baseline is taken, so only the upload is measured.
  const api = new OpenAIBatchApi(
    {
      apiKey,
      baseUrl,
      organization: undefined,
      project: undefined,
      maxRetries: 0,
      requestTimeoutMs: 600_000,
      backend: OPENAI_PROFILE,
      apiVersion: undefined,
      adToken: undefined,
      prices: undefined,
      problems: [],
    },
    realDeps({ env: {} }),
  );
  const client = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0, timeout: 600_000 });
  serveInChild<Measurement<UploadProbeResult>>(() =>
    measure(async () => {
      const file =
        kind === "provider"
          ? await api.uploadInputOnce(await openAsBlob(path), filename)
          : await client.files.create({ file: createReadStream(path), purpose: "batch" });
      return { fileId: file.id, bytes: file.bytes };
    }),
  );
}
