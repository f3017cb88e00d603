import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { ApiError } from "../api/api-error";
import { invalidValue, missingParameter, noSuchUpload, unknownParameter } from "../api/errors";
import { partJson, uploadJson } from "../api/serialize";
import { parseCompleteUpload, parseCreateUpload } from "../api/upload-params";
import { readJsonObject } from "../http/json-body";
import { readMultipart } from "../http/multipart";
import { json } from "../http/reply";
import { newId } from "../ids";
import { LIMITS } from "../limits";
import { openSink, syncFile } from "../store/file-sink";
import type { UploadRecord } from "../store/records";
import { type Handler, param, type RouteTable, type Services } from "./context";
import { newFileRecord, refuseOverFileBound } from "./files";

/** POST /v1/uploads */
const createUpload: Handler = async ({ req }, { store, clock, persister, profile }) => {
  const params = parseCreateUpload(await readJsonObject(req, LIMITS.maxJsonBodyBytes), profile);
  const now = clock.now();
  const upload: UploadRecord = {
    id: newId.upload(),
    seq: store.nextSeq(),
    createdMs: now,
    expiresMs: now + LIMITS.uploadTtlMs,
    filename: params.filename,
    purpose: params.purpose,
    bytes: params.bytes,
    mimeType: params.mimeType,
    ...(params.expiresAfterSeconds !== undefined
      ? { fileExpiresAfterSeconds: params.expiresAfterSeconds }
      : {}),
    status: "pending",
    parts: [],
  };
  store.uploads.set(upload.id, upload);
  await persister.save();
  return json(uploadJson(upload, undefined));
};

async function findUpload(services: Services, id: string): Promise<UploadRecord> {
  await services.engine.settle();
  const upload = services.store.uploads.get(id);
  if (upload === undefined) throw noSuchUpload(id);
  return upload;
}

function requirePending(upload: UploadRecord): void {
  if (upload.status !== "pending") {
    throw new ApiError(
      400,
      `Upload ${upload.id} is ${upload.status}; only a pending Upload accepts this request.`,
      {
        param: "upload_id",
        code: "invalid_upload_status",
      },
    );
  }
}

/** POST /v1/uploads/{id}/parts: one part, multipart field `data`, streamed to disk. */
const addPart: Handler = async (request, services) => {
  const { disk, clock, persister } = services;
  const upload = await findUpload(services, param(request, "id"));
  requirePending(upload);
  const form = await readMultipart(request.req, () => disk.tempPath(), {
    maxFileBytes: LIMITS.maxUploadPartBytes,
    maxFieldBytes: LIMITS.maxMultipartFieldBytes,
    maxParts: LIMITS.maxMultipartParts,
  });
  try {
    for (const name of [...form.fields.keys(), ...form.files.keys()]) {
      if (name !== "data") throw unknownParameter(name);
    }
    const data = form.files.get("data");
    if (data === undefined) throw missingParameter("data");
    requirePending(upload);
    const part = { id: newId.part(), createdMs: clock.now(), bytes: data.bytes };
    await mkdir(disk.uploadDir(upload.id), { recursive: true });
    const blob = disk.partBlob(upload.id, part.id);
    await rename(data.path, blob);
    if (disk.persistent) await syncFile(blob);
    upload.parts.push(part);
    await persister.save();
    return json(partJson(upload.id, part));
  } finally {
    await Promise.all([...form.files.values()].map((file) => rm(file.path, { force: true })));
  }
};

/** POST /v1/uploads/{id}/complete: joins the parts, in the order given, into a new File. */
const complete: Handler = async (request, services) => {
  const { disk, store, clock, persister, engine } = services;
  const params = parseCompleteUpload(await readJsonObject(request.req, LIMITS.maxJsonBodyBytes));
  const upload = await findUpload(services, param(request, "id"));
  return engine.run(async () => {
    requirePending(upload);
    const byId = new Map(upload.parts.map((part) => [part.id, part]));
    const seen = new Set<string>();
    let total = 0;
    for (const id of params.partIds) {
      const part = byId.get(id);
      if (part === undefined)
        throw invalidValue("part_ids", `Part '${id}' does not belong to Upload ${upload.id}.`);
      if (seen.has(id)) throw invalidValue("part_ids", `Part '${id}' is listed twice.`);
      seen.add(id);
      total += part.bytes;
    }
    if (total !== upload.bytes) {
      throw invalidValue(
        "part_ids",
        `The parts hold ${total} bytes, but the Upload was created for ${upload.bytes} bytes. The sizes must match.`,
      );
    }
    refuseOverFileBound(services, upload.purpose, upload.fileExpiresAfterSeconds !== undefined);
    const temp = disk.tempPath();
    const sink = openSink(temp);
    const md5 = createHash("md5");
    try {
      for (const id of params.partIds) {
        for await (const chunk of createReadStream(disk.partBlob(upload.id, id))) {
          md5.update(chunk as Buffer);
          await sink.write(chunk as Buffer);
        }
      }
      await sink.finish(disk.persistent);
    } catch (error) {
      await sink.abort();
      throw error;
    }
    const checksum = md5.digest("hex");
    if (params.md5 !== undefined && params.md5.toLowerCase() !== checksum) {
      await rm(temp, { force: true });
      throw invalidValue(
        "md5",
        `The md5 checksum '${params.md5}' does not match the parts' checksum '${checksum}'.`,
      );
    }
    const file = newFileRecord(services, {
      bytes: total,
      createdMs: clock.now(),
      filename: upload.filename,
      purpose: upload.purpose,
      expiresAfterSeconds: upload.fileExpiresAfterSeconds,
    });
    await rename(temp, disk.fileBlob(file.id));
    store.files.set(file.id, file);
    upload.status = "completed";
    upload.fileId = file.id;
    upload.parts = [];
    await rm(disk.uploadDir(upload.id), { recursive: true, force: true });
    await persister.save();
    return json(uploadJson(upload, file));
  });
};

/** POST /v1/uploads/{id}/cancel */
const cancelUpload: Handler = async (request, services) => {
  const upload = await findUpload(services, param(request, "id"));
  if (upload.status === "cancelled") return json(uploadJson(upload, undefined));
  requirePending(upload);
  upload.status = "cancelled";
  upload.parts = [];
  await rm(services.disk.uploadDir(upload.id), { recursive: true, force: true });
  await services.persister.save();
  return json(uploadJson(upload, undefined));
};

export const uploadRoutes: RouteTable = [
  { method: "POST", pattern: "/v1/uploads", handler: createUpload },
  { method: "POST", pattern: "/v1/uploads/:id/parts", handler: addPart },
  { method: "POST", pattern: "/v1/uploads/:id/complete", handler: complete },
  { method: "POST", pattern: "/v1/uploads/:id/cancel", handler: cancelUpload },
];
