import { ApiError } from "../api/api-error";
import { parseCreateBatch } from "../api/batch-params";
import { invalidValue, noSuchBatch, noSuchFile } from "../api/errors";
import { batchJson, listJson } from "../api/serialize";
import { cancelBatch } from "../engine/cancel";
import type { EngineContext } from "../engine/context";
import { readJsonObject } from "../http/json-body";
import { integerParam, page } from "../http/query";
import { json } from "../http/reply";
import { newId } from "../ids";
import { LIMITS } from "../limits";
import { queueFullAtCreate, TOKEN_LIMIT_EXCEEDED } from "../queue/enqueued-tokens";
import { type BatchRecord, emptyProgress, emptyUsage } from "../store/records";
import { type Handler, param, type RouteTable, type Services } from "./context";

/** POST /v1/batches */
const createBatch: Handler = async ({ req }, { store, clock, persister, engine, profile }) => {
  const params = parseCreateBatch(await readJsonObject(req, LIMITS.maxJsonBodyBytes), profile);
  await engine.settle();
  const file = store.files.get(params.inputFileId);
  if (file === undefined) throw noSuchFile(params.inputFileId, "input_file_id");
  if (file.purpose !== profile.batchFilePurpose) {
    throw invalidValue(
      "input_file_id",
      `The file '${file.id}' has purpose '${file.purpose}'; a batch input file must be uploaded with purpose '${profile.batchFilePurpose}'.`,
    );
  }
  if (profile.tokenLimitAtCreate) await refuseOnFullQueue(file.id, params.endpoint, engine.ctx);
  const now = clock.now();
  const batch: BatchRecord = {
    id: newId.batch(),
    seq: store.nextSeq(),
    endpoint: params.endpoint,
    inputFileId: file.id,
    completionWindow: params.completionWindow,
    ...(params.metadata !== undefined ? { metadata: params.metadata } : {}),
    ...(params.outputExpiresAfterSeconds !== undefined
      ? { outputExpiresAfterSeconds: params.outputExpiresAfterSeconds }
      : {}),
    status: "validating",
    stuck: false,
    phaseStartMs: now,
    createdMs: now,
    expiresMs: now + LIMITS.completionWindowMs,
    progress: emptyProgress(),
    usage: emptyUsage(),
  };
  store.batches.set(batch.id, batch);
  await persister.save();
  return json(batchJson(batch));
};

/** Azure's fail fast: a batch that does not fit in its deployment's enqueued-token quota is refused at once. */
async function refuseOnFullQueue(fileId: string, endpoint: string, ctx: EngineContext): Promise<void> {
  const message = await queueFullAtCreate(
    ctx.disk.fileBlob(fileId),
    endpoint,
    ctx.store.batches.values(),
    ctx.enqueuedTokenLimits,
    ctx.tokens,
    (id) => ctx.disk.fileBlob(id),
    ctx.profile.name,
  );
  if (message !== undefined) throw new ApiError(400, message, { code: TOKEN_LIMIT_EXCEEDED });
}

/** GET /v1/batches: newest first. */
const listBatches: Handler = async ({ query }, { store, engine }) => {
  const limit = integerParam(query, "limit", 20, 1, 100);
  await engine.settle();
  const batches = [...store.batches.values()].sort((a, b) => b.seq - a.seq);
  const { data, hasMore } = page(batches, query.get("after"), limit);
  return json(listJson(data.map(batchJson), hasMore, "when-any"));
};

async function findBatch(services: Services, id: string): Promise<BatchRecord> {
  await services.engine.settle();
  const batch = services.store.batches.get(id);
  if (batch === undefined) throw noSuchBatch(id);
  return batch;
}

const retrieveBatch: Handler = async (request, services) =>
  json(batchJson(await findBatch(services, param(request, "id"))));

/** POST /v1/batches/{id}/cancel */
const cancel: Handler = async (request, services) => {
  const batch = await findBatch(services, param(request, "id"));
  return services.engine.run(async () => {
    await services.engine.processDue();
    const before = batch.status;
    cancelBatch(batch, services.clock.now());
    if (batch.status !== before) await services.persister.save();
    return json(batchJson(batch));
  });
};

export const batchRoutes: RouteTable = [
  { method: "POST", pattern: "/v1/batches", handler: createBatch },
  { method: "GET", pattern: "/v1/batches", handler: listBatches },
  { method: "GET", pattern: "/v1/batches/:id", handler: retrieveBatch },
  { method: "POST", pattern: "/v1/batches/:id/cancel", handler: cancel },
];
