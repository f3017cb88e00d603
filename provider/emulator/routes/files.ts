import { createReadStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { missingParameter, noSuchFile, rangeNotSatisfiable, unknownParameter } from "../api/errors";
import { fileBoundError } from "../api/file-bound";
import { oneOf } from "../api/params";
import { fileJson, listJson } from "../api/serialize";
import { checkBatchFile, parseFileExpiry } from "../api/upload-params";
import { blobInUse } from "../engine/transitions";
import { parseByteRange } from "../http/byte-range";
import { readMultipart } from "../http/multipart";
import { enumParam, integerParam, page } from "../http/query";
import { json } from "../http/reply";
import { newId } from "../ids";
import { LIMITS } from "../limits";
import { syncFile } from "../store/file-sink";
import type { FileRecord } from "../store/records";
import { type Handler, param, type RouteTable, type Services } from "./context";

const FORM_FIELDS = ["purpose", "expires_after[anchor]", "expires_after[seconds]"];

/** POST /v1/files: a multipart upload, streamed to disk. */
const createFile: Handler = async ({ req }, services) => {
  const { disk, store, clock, persister } = services;
  const form = await readMultipart(req, () => disk.tempPath(), {
    maxFileBytes: LIMITS.maxFileBytes,
    maxFieldBytes: LIMITS.maxMultipartFieldBytes,
    maxParts: LIMITS.maxMultipartParts,
  });
  try {
    for (const name of form.fields.keys()) {
      if (name !== "file" && !FORM_FIELDS.includes(name)) throw unknownParameter(name);
    }
    for (const name of form.files.keys()) {
      if (name !== "file") throw unknownParameter(name);
    }
    const upload = form.files.get("file");
    if (upload === undefined) throw missingParameter("file");
    const purposeText = form.fields.get("purpose");
    if (purposeText === undefined) throw missingParameter("purpose");
    const purpose = oneOf(purposeText, "purpose", services.profile.uploadPurposes);
    const anchor = form.fields.get("expires_after[anchor]");
    const seconds = form.fields.get("expires_after[seconds]");
    const expiresAfter =
      anchor === undefined && seconds === undefined ? undefined : parseFileExpiry({ anchor, seconds });
    checkBatchFile(purpose, upload.filename, upload.bytes, services.profile);
    refuseOverFileBound(services, purpose, expiresAfter !== undefined);
    const now = clock.now();
    const record = newFileRecord(services, {
      bytes: upload.bytes,
      createdMs: now,
      filename: upload.filename,
      purpose,
      expiresAfterSeconds: expiresAfter,
    });
    const blob = disk.fileBlob(record.id);
    await rename(upload.path, blob);
    if (disk.persistent) await syncFile(blob);
    store.files.set(record.id, record);
    await persister.save();
    return json(fileJson(record));
  } finally {
    await Promise.all([...form.files.values()].map((file) => rm(file.path, { force: true })));
  }
};

/** Where the profile bounds the batch files a resource keeps (Azure), refuses one more that does not fit. */
export function refuseOverFileBound(services: Services, purpose: string, expires: boolean): void {
  const { profile, store, clock } = services;
  if (profile.fileBound === undefined || purpose !== profile.batchFilePurpose) return;
  const error = fileBoundError(store.files.values(), clock.now(), expires, profile.fileBound);
  if (error !== undefined) throw error;
}

/** A file record; batch input files expire after 30 days (not on Azure) unless an expiry is given. */
export function newFileRecord(
  services: Services,
  fields: {
    bytes: number;
    createdMs: number;
    filename: string;
    purpose: string;
    expiresAfterSeconds: number | undefined;
  },
): FileRecord {
  const expirySeconds =
    fields.expiresAfterSeconds ??
    (fields.purpose === services.profile.batchFilePurpose && services.profile.batchFilesExpireByDefault
      ? LIMITS.batchFileDefaultExpirySeconds
      : undefined);
  return {
    id: newId.file(),
    seq: services.store.nextSeq(),
    bytes: fields.bytes,
    createdMs: fields.createdMs,
    ...(expirySeconds !== undefined ? { expiresMs: fields.createdMs + expirySeconds * 1000 } : {}),
    filename: fields.filename,
    purpose: fields.purpose,
  };
}

/** GET /v1/files */
const listFiles: Handler = async ({ query }, { store, engine }) => {
  const limit = integerParam(query, "limit", 10_000, 1, 10_000);
  const order = enumParam(query, "order", ["asc", "desc"] as const, "desc");
  const purpose = query.get("purpose");
  await engine.settle();
  let files = [...store.files.values()].filter(
    (file) => purpose === null || purpose === "" || file.purpose === purpose,
  );
  files.sort((a, b) => a.seq - b.seq);
  if (order === "desc") files = files.reverse();
  const { data, hasMore } = page(files, query.get("after"), limit);
  return json(listJson(data.map(fileJson), hasMore, "always"));
};

async function findFile(services: Services, id: string): Promise<FileRecord> {
  await services.engine.settle();
  const file = services.store.files.get(id);
  if (file === undefined) throw noSuchFile(id);
  return file;
}

const retrieveFile: Handler = async (request, services) =>
  json(fileJson(await findFile(services, param(request, "id"))));

/** DELETE /v1/files/{id}; the contents stay while a running batch still reads them. */
const deleteFile: Handler = async (request, services) => {
  const id = param(request, "id");
  const { engine, store, disk, persister } = services;
  await engine.settle();
  return engine.run(async () => {
    if (!store.files.delete(id)) throw noSuchFile(id);
    if (!blobInUse(engine.ctx, id)) await rm(disk.fileBlob(id), { force: true });
    await persister.save();
    return json({ id, object: "file", deleted: true });
  });
};

/**
 * GET /v1/files/{id}/content: the bytes, streamed from disk. A `Range` of one byte range is
 * answered 206 with that part (so that a cut-off download can resume), one past the end 416.
 */
const fileContent: Handler = async (request, services) => {
  const file = await findFile(services, param(request, "id"));
  const path = services.disk.fileBlob(file.id);
  const headers = {
    "content-type": "application/octet-stream",
    "accept-ranges": "bytes",
    "content-disposition": `attachment; filename="${file.filename.replace(/["\\\r\n]/g, "_")}"`,
  };
  const range = parseByteRange(request.req.headers.range, file.bytes);
  if (range.kind === "unsatisfiable") throw rangeNotSatisfiable(request.req.headers.range ?? "", file.bytes);
  if (range.kind === "part") {
    const { start, end } = range;
    return {
      kind: "stream",
      status: 206,
      headers: {
        ...headers,
        "content-length": String(end - start + 1),
        "content-range": `bytes ${start}-${end}/${file.bytes}`,
      },
      open: () => createReadStream(path, { start, end }),
    };
  }
  return {
    kind: "stream",
    status: 200,
    headers: { ...headers, "content-length": String(file.bytes) },
    open: () => createReadStream(path),
  };
};

export const fileRoutes: RouteTable = [
  { method: "POST", pattern: "/v1/files", handler: createFile },
  { method: "GET", pattern: "/v1/files", handler: listFiles },
  { method: "GET", pattern: "/v1/files/:id", handler: retrieveFile },
  { method: "DELETE", pattern: "/v1/files/:id", handler: deleteFile },
  { method: "GET", pattern: "/v1/files/:id/content", handler: fileContent },
];
