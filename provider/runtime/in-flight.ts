import { keepsMarker, MARKER_CONTENT, markerFilename } from "../policy/in-flight";
import type { RuntimeDeps } from "./deps";
import type { ApiFile, OpenAIBatchApi } from "./openai-api";
import { OutcomeUnknownError, retrying } from "./retrying";

/** Clocks differ: a file made this long before the attempt began still counts as its own. */
const CLOCK_SLACK_SECONDS = 300;

/**
 * The in-flight marker of one create (the rule: policy/in-flight.ts). `ensure` uploads it, once,
 * before the batch is created; the markers of an interrupted create that this one adopts are
 * taken over with `claim`; `release` deletes them all.
 */
export interface InFlightMarker {
  /**
   * Uploads this create's marker, once; later calls wait for the same upload. Rejects with the
   * upload's error, or with an `OutcomeUnknownError` when the marker may exist nonetheless.
   */
  ensure(): Promise<void>;
  /** The files that are not another create's markers: this create's own, and those it took over. */
  ours(): ReadonlySet<string>;
  /** Takes over the markers of the interrupted create this one adopts. */
  claim(ids: readonly string[]): void;
  /**
   * Deletes this create's marker and those it took over, each once; false (and a warning) when
   * one of them could not be deleted, or when its own may exist unknown to it.
   */
  release(): Promise<boolean>;
}

/** For a create without a create token: no later create can find its batch, so nothing to mark. */
const NO_MARKER: InFlightMarker = {
  ensure: () => Promise.resolve(),
  ours: () => new Set(),
  claim: () => {},
  release: () => Promise.resolve(true),
};

/**
 * Runs a create with its in-flight marker, then deletes the marker (and those it took over),
 * unless the create's error records an unknown outcome: that marker stays, so that the create
 * which takes the placeholder's place adopts the batch whatever its status. A marker that cannot
 * be deleted once the create has a batch to record is a warning: the resource's next delete
 * removes it. (A create that fails with no batch releases its marker itself, and records the
 * resource under the placeholder when that fails, so that nothing stays untracked.)
 */
export async function withInFlightMarker<T>(
  token: string | undefined,
  api: () => OpenAIBatchApi,
  deps: RuntimeDeps,
  run: (marker: InFlightMarker) => Promise<T>,
): Promise<T> {
  if (token === undefined) {
    return run(NO_MARKER);
  }
  const marker = inFlightMarker(token, api, deps);
  let result: T;
  try {
    result = await run(marker);
  } catch (error) {
    if (keepsMarker(error)) {
      deps.log.info(`kept the in-flight marker of create token ${token}: the outcome is unknown`);
    } else {
      await marker.release();
    }
    throw error;
  }
  await marker.release();
  return result;
}

function inFlightMarker(token: string, api: () => OpenAIBatchApi, deps: RuntimeDeps): InFlightMarker {
  let uploading: Promise<ApiFile> | undefined;
  let own: ApiFile | undefined;
  let unknown = false;
  const claimed = new Set<string>();
  const deleted = new Set<string>();
  const ours = () => new Set([...claimed, ...(own === undefined ? [] : [own.id])]);
  return {
    ensure: async () => {
      uploading ??= uploadMarker(token, api(), deps).catch((error: unknown) => {
        unknown = error instanceof OutcomeUnknownError;
        throw error;
      });
      own = await uploading;
    },
    ours,
    claim: (ids) => {
      for (const id of ids) claimed.add(id);
    },
    release: async () => {
      let left = unknown;
      for (const id of ours()) {
        if (deleted.has(id)) continue;
        try {
          await api().deleteFile(id);
          deleted.add(id);
        } catch (error) {
          left = true;
          deps.log.warn(
            `could not delete the in-flight marker ${id}: ${(error as Error).message} The resource's next delete removes it; until then, a \`pulumi up --replace\` of the resource adopts its batch rather than starting it over.`,
          );
        }
      }
      return !left;
    },
  };
}

async function uploadMarker(token: string, api: OpenAIBatchApi, deps: RuntimeDeps): Promise<ApiFile> {
  const startedAt = Math.floor(deps.now() / 1000);
  const filename = markerFilename(token);
  const body = new Blob([MARKER_CONTENT]);
  return retrying(
    () => api.uploadInputOnce(body, filename, "upload the in-flight marker"),
    {
      maxRetries: api.maxRetries,
      recover: () => api.findUploadedFile(filename, body.size, startedAt - CLOCK_SLACK_SECONDS),
    },
    deps,
  );
}
