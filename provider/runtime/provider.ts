import type * as pulumi from "@pulumi/pulumi";
import type { BackendProfile } from "../backends";
import type { BatchInputs, BatchOutputs } from "../contract";
import { urnOfResourceKey } from "../diagnostics";
import { isBatchWaitError } from "../errors";
import { deleteFollowUps } from "../results/delete-follow-ups";
import { refreshAttempts } from "../results/refresh-attempts";
import { resultsFileToRestore, withResults } from "../results/resource-hooks";
import { carryResults } from "../results/state-fields";
import { withoutTotals, withTotals } from "../results/totals";
import { claimSetCache, releaseSetCache } from "../set/release";
import { setMemberOf } from "../set-progress";
import { printableFailures } from "../validation/printable-failures";
import { checkBatch } from "./check";
import { createTokenOf, withCreateToken } from "./create-token";
import { deleteBatch } from "./delete";
import { type RuntimeDeps, realDeps } from "./deps";
import { withInFlightMarker } from "./in-flight";
import { OpenAIBatchApi } from "./openai-api";
import { deletePending, readPending, tokenOfPendingId } from "./pending";
import { type BatchPlan, planBatch } from "./plan";
import { tellReasons } from "./plan-diagnostics";
import { countUnchangedInSet } from "./progress";
import {
  createThroughFullQueue,
  fullQueueFailureNote,
  overLimitAlone,
  overLimitAloneNote,
  recordedFullQueueFailure,
} from "./queue-full";
import { readBatch } from "./read";
import { type ConfigSource, type ProviderSettings, requireUsableSettings, resolveSettings } from "./settings";
import type { SettingsAudience } from "./settings-advice";
import { readState } from "./state";
import { updateBatch } from "./update";

export type BatchResourceProvider = Required<
  Omit<pulumi.dynamic.ResourceProvider<BatchInputs, BatchOutputs>, "configure">
> & {
  configure(req: { config: ConfigSource }): Promise<void>;
  /** The backend of the settings `configure` last recorded (a plugin set splits within its limits). */
  backend(): BackendProfile;
  /** `diff` with the reason for each planned change (the plugin passes them on as a detailed diff). */
  plan(id: string, olds: BatchOutputs, news: BatchInputs): Promise<BatchPlan>;
};

export interface BatchProviderOptions {
  /** The stack config namespace of the settings; `openai` when not given. */
  configNamespace?: string;
}

/**
 * The provider implementation that runs inside Pulumi's dynamic-provider host. `configure` only
 * records the settings and never throws (the host caches the provider before it awaits
 * `configure`); a missing key is reported by the first operation that calls the API. `check` and
 * `diff` never call the API.
 */
export function createBatchProvider(
  overrides: Partial<RuntimeDeps> = {},
  options: BatchProviderOptions = {},
): BatchResourceProvider {
  const deps = realDeps(overrides);
  const namespace = options.configNamespace;
  const audience: SettingsAudience = { via: "pulumi", namespace };
  let settings: ProviderSettings = resolveSettings(undefined, deps.env, audience);
  let api: OpenAIBatchApi | undefined;
  const connect = (): OpenAIBatchApi => {
    if (api === undefined) {
      const apiKey = requireUsableSettings(settings);
      api = new OpenAIBatchApi({ ...settings, apiKey }, deps);
    }
    return api;
  };

  // Batches that a create in this process adopted from an interrupted create. A delete of one of
  // them in the same process is the engine replacing the resource that records that create (the
  // `pending:` placeholder of an unknown outcome) under the same create token: the replacement now
  // owns the batch, so it is not cancelled.
  const adoptedHere = new Set<string>();

  // An operation returns once its progress lines have reached the engine, so that they are shown
  // while the resource's step is still on screen.
  const delivering = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } finally {
      await deps.delivered();
    }
  };

  // A closure, not a method: Pulumi serializes only the provider's operations, never `this`.
  const plan = async (id: string, olds: BatchOutputs, news: BatchInputs): Promise<BatchPlan> => {
    const state = readState(olds as unknown as Record<string, unknown>);
    const resultsFile = await resultsFileToRestore(state, news, deps.cwd());
    const planned = planBatch(id, state, news, { resultsFile });
    // A set's batch that this operation leaves alone counts in the set's progress as its state says.
    if (!planned.changes) countUnchangedInSet(news, state, deps.sets);
    // The dynamic-provider host passes no detailed diff on: the engine shows the reasons on the resource's row.
    await tellReasons(planned.reasons, news.resourceKey, deps);
    return planned;
  };

  return {
    async configure(req) {
      settings = resolveSettings(req.config, deps.env, audience);
      api = undefined;
    },
    backend: () => settings.backend,
    async check(olds, news) {
      const urn = urnOfResourceKey(news.resourceKey);
      // A set's batch leaves its warning about unbounded output to the set, which says it once.
      const member = setMemberOf(news.setMember);
      const outcome = await checkBatch(news as unknown as Record<string, unknown>, deps.cwd(), {
        log: deps.log,
        warn: (message) => deps.warning(message, urn),
        unboundedOutputWarned: member === undefined,
        backend: settings.backend,
        prices: settings.prices,
        configNamespace: namespace,
      });
      if (member !== undefined && typeof news.resourceKey === "string") {
        deps.sets.checked(member, news.resourceKey, outcome.unboundedRequests);
      }
      await deps.delivered();
      // The engine prints a failure's property with its value: only short top-level values stay on theirs.
      const failures = printableFailures(outcome.failures, news as unknown as Record<string, unknown>);
      return { inputs: keepingOlderToken(olds, outcome.inputs), failures };
    },
    async diff(id, olds, news) {
      const { reasons: _shown, ...diff } = await plan(id, olds, news);
      return diff;
    },
    plan,
    async create(checked) {
      const inputs = withCreateToken(checked);
      // The marker lives until this create returns: through the waits, the results and the follow-ups.
      // A BatchSet's child: its shard stays in the cache while a batch made from it is in a state
      // (a batch that failed after it was made is recorded too).
      const created = await delivering(() =>
        withInFlightMarker(inputs.createToken, connect, deps, (marker) =>
          withResults(() => createThroughFullQueue(inputs, connect(), deps, marker), undefined, {
            api: connect,
            deps,
          }),
        ),
      ).catch((error: unknown) => {
        if (isBatchWaitError(error)) claimSetCache(error.id, inputs, deps.cwd());
        throw error;
      });
      if (created.adopted) {
        adoptedHere.add(created.id);
      }
      claimSetCache(created.id, inputs, deps.cwd());
      return { id: created.id, outs: created.outs };
    },
    async read(id, props) {
      // The host hands `inputs` back to the engine as the resource's inputs; the SDK types them as outputs.
      const state = readState(props as unknown as Record<string, unknown>);
      const token = tokenOfPendingId(id);
      if (token !== undefined) {
        return (await readPending(token, state, connect(), deps)) as pulumi.dynamic.ReadResult<BatchOutputs>;
      }
      const outcome = await readBatch(id, state, connect());
      if (outcome.props !== undefined && recordedFullQueueFailure(outcome.props)) {
        const over = overLimitAlone({ ...outcome.props, estimate: outcome.props.estimate ?? state.estimate });
        const note = over === undefined ? fullQueueFailureNote(id) : overLimitAloneNote(id, over);
        // In the provider log, and a warning of the resource that the engine shows.
        deps.log.warn(note);
        deps.warning(note, urnOfResourceKey(state.resourceKey));
        await deps.delivered();
      }
      const carried =
        outcome.props === undefined
          ? outcome
          : {
              ...outcome,
              props: withTotals(await refreshAttempts(carryResults(state, outcome.props), connect())),
            };
      return carried as pulumi.dynamic.ReadResult<BatchOutputs>;
    },
    async update(id, olds, news) {
      // The first batch's own usage again: the totals are made anew once the update is done.
      const state = withoutTotals(readState(olds as unknown as Record<string, unknown>));
      const { outs } = await delivering(() =>
        withResults(async () => ({ id, outs: await updateBatch(id, state, news, connect, deps) }), state, {
          api: connect,
          deps,
        }),
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
      const state = readState(props as unknown as Record<string, unknown>);
      // The follow-ups' clean-up and the batch's own look for leftover uploads in one listing.
      let scoped: OpenAIBatchApi | undefined;
      const api = () => {
        scoped ??= connect().sharingFileListing();
        return scoped;
      };
      await delivering(async () => {
        await deleteFollowUps(id, state, { api, deps });
        await deleteBatch(id, state, api(), deps);
      });
      // A BatchSet's child: its shard and results leave the cache once nothing uses them.
      releaseSetCache(id, state, deps.cwd());
    },
  };
}

/**
 * The checked inputs, with the create token when an older release recorded it among the old
 * inputs and it is still the same: a plan then shows no change of it. A token that changes is
 * dropped (the batch is replaced, and the plan shows it go once).
 */
function keepingOlderToken(olds: Partial<BatchInputs> | undefined, inputs: BatchInputs): BatchInputs {
  const older = olds?.createToken;
  return typeof older === "string" && older === createTokenOf(inputs)
    ? { ...inputs, createToken: older }
    : inputs;
}
