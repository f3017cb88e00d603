import { keepsMarker, MARKER_CONTENT, markerFilename } from "../policy/in-flight";
import type { RuntimeDeps } from "./deps";
import type { ApiFile, OpenAIBatchApi } from "./openai-api";
import { OutcomeUnknownError, retrying } from "./retrying";

/** Clocks differ: a file made this long before the attempt began still counts as its own. */
const CLOCK_SLACK_SECONDS = 300;

/**
 * The in-flight marker of one create (the rule: policy/in-flight.ts). `ensure` uploads it, once,
 * before the batch is created; the markers of an interrupted create that this one adopts are
 * taken over with `claim`, and all are deleted when the create returns.
 */
export interface InFlightMarker {
  /** Uploads this create's marker, once; later calls wait for the same upload. */
  ensure(): Promise<void>;
  /** The files that are not another create's markers: this create's own, and those it took over. */
  ours(): ReadonlySet<string>;
  /** Takes over the markers of the interrupted create this one adopts. */
  claim(ids: readonly string[]): void;
}

/** For a create without a create token: no later create can find its batch, so nothing to mark. */
const NO_MARKER: InFlightMarker = {
  ensure: () => Promise.resolve(),
  ours: () => new Set(),
  claim: () => {},
};

/**
 * Runs a create with its in-flight marker, then deletes the marker (and those it took over),
 * unless the create's error records an unknown outcome: that marker stays, so that the create
 * which takes the placeholder's place adopts the batch whatever its status. A marker that cannot
 * be deleted is a warning: the resource's next delete removes it.
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
  let uploading: Promise<ApiFile> | undefined;
  const claimed = new Set<string>();
  let own: ApiFile | undefined;
  const marker: InFlightMarker = {
    ensure: async () => {
      uploading ??= uploadMarker(token, api(), deps);
      own = await uploading;
    },
    ours: () => new Set([...claimed, ...(own === undefined ? [] : [own.id])]),
    claim: (ids) => {
      for (const id of ids) claimed.add(id);
    },
  };
  const release = async () => {
    const ids = marker.ours();
    if (ids.size > 0) await deleteMarkers(ids, api(), deps);
  };
  let result: T;
  try {
    result = await run(marker);
  } catch (error) {
    if (keepsMarker(error)) {
      deps.log.info(`kept the in-flight marker of create token ${token}: the outcome is unknown`);
    } else {
      await release();
    }
    throw error;
  }
  await release();
  return result;
}

async function uploadMarker(token: string, api: OpenAIBatchApi, deps: RuntimeDeps): Promise<ApiFile> {
  const startedAt = Math.floor(deps.now() / 1000);
  const filename = markerFilename(token);
  const body = new Blob([MARKER_CONTENT]);
  try {
    return await retrying(
      () => api.uploadInputOnce(body, filename, "upload the in-flight marker"),
      {
        maxRetries: api.maxRetries,
        recover: () => api.findUploadedFile(filename, body.size, startedAt - CLOCK_SLACK_SECONDS),
      },
      deps,
    );
  } catch (error) {
    // A marker that may have been uploaded marks nothing yet: no batch was made after it.
    throw error instanceof OutcomeUnknownError ? error.error : error;
  }
}

async function deleteMarkers(
  ids: ReadonlySet<string>,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<void> {
  for (const id of ids) {
    try {
      await api.deleteFile(id);
    } catch (error) {
      deps.log.warn(
        `could not delete the in-flight marker ${id}: ${(error as Error).message} The resource's next delete removes it; until then, a \`pulumi up --replace\` of the resource adopts its batch rather than starting it over.`,
      );
    }
  }
}
