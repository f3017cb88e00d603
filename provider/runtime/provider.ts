import type * as pulumi from "@pulumi/pulumi";
import type { BatchInputs, BatchOutputs } from "../contract";
import { checkBatch } from "./check";
import { deleteBatch } from "./delete";
import { type RuntimeDeps, realDeps } from "./deps";
import { diffBatch } from "./diff";
import { OpenAIBatchApi } from "./openai-api";
import { deletePending, readPending, tokenOfPendingId } from "./pending";
import { createThroughFullQueue } from "./queue-full";
import { readBatch } from "./read";
import { type ConfigSource, type ProviderSettings, requireUsableSettings, resolveSettings } from "./settings";
import { readState } from "./state";
import { updateBatch } from "./update";

export type BatchResourceProvider = Required<
  Omit<pulumi.dynamic.ResourceProvider<BatchInputs, BatchOutputs>, "configure">
> & {
  configure(req: { config: ConfigSource }): Promise<void>;
};

/**
 * The provider implementation that runs inside Pulumi's dynamic-provider host. `configure` only
 * records the settings and never throws (the host caches the provider before it awaits
 * `configure`); a missing key is reported by the first operation that calls the API. `check` and
 * `diff` never call the API.
 */
export function createBatchProvider(overrides: Partial<RuntimeDeps> = {}): BatchResourceProvider {
  const deps = realDeps(overrides);
  let settings: ProviderSettings = resolveSettings(undefined, deps.env);
  let api: OpenAIBatchApi | undefined;
  const connect = (): OpenAIBatchApi => {
    if (api === undefined) {
      const apiKey = requireUsableSettings(settings);
      api = new OpenAIBatchApi({ ...settings, apiKey }, deps);
    }
    return api;
  };

  // Batches that a create in this process adopted from an earlier attempt. A delete of one of
  // them in the same process is the engine replacing a resource whose create token is unchanged
  // (`pulumi up --replace`): the replacement now owns the batch, so it is not cancelled.
  const adoptedHere = new Set<string>();

  return {
    async configure(req) {
      settings = resolveSettings(req.config, deps.env);
      api = undefined;
    },
    async check(_olds, news) {
      return checkBatch(news as unknown as Record<string, unknown>, deps.cwd());
    },
    async diff(id, olds, news) {
      if (tokenOfPendingId(id) !== undefined) {
        // A create whose outcome is unknown: the replacement adopts its batch, or makes one.
        return { changes: true, replaces: ["createToken"], deleteBeforeReplace: false };
      }
      return diffBatch(readState(olds as unknown as Record<string, unknown>), news);
    },
    async create(inputs) {
      const created = await createThroughFullQueue(inputs, connect(), deps);
      if (created.adopted) {
        adoptedHere.add(created.id);
      }
      return { id: created.id, outs: created.outs };
    },
    async read(id, props) {
      // The host hands `inputs` back to the engine as the resource's inputs; the SDK types them as outputs.
      const state = readState(props as unknown as Record<string, unknown>);
      const token = tokenOfPendingId(id);
      const outcome =
        token === undefined
          ? await readBatch(id, state, connect())
          : await readPending(token, state, connect(), deps);
      return outcome as pulumi.dynamic.ReadResult<BatchOutputs>;
    },
    async update(id, olds, news) {
      const outs = await updateBatch(
        id,
        readState(olds as unknown as Record<string, unknown>),
        news,
        connect,
        deps,
      );
      return { outs };
    },
    async delete(id, props) {
      const token = tokenOfPendingId(id);
      if (token !== undefined) {
        const state = readState(props as unknown as Record<string, unknown>);
        await deletePending(token, state, connect(), deps, adoptedHere);
        return;
      }
      if (adoptedHere.has(id)) {
        deps.log.warn(`batch ${id} is kept: the resource that replaces this one adopted it`);
        return;
      }
      await deleteBatch(id, readState(props as unknown as Record<string, unknown>), connect(), deps);
    },
  };
}
