import { type BatchInputs, type BatchOutputs, DEFAULTS, IN_PLACE_INPUT_NAMES } from "../contract";
import { containsUnknown } from "../validation/unknowns";

export interface BatchDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: false;
}

/** What a batch runs on: uploaded bytes (known by their sha256) or a file id given by the user. */
type InputIdentity = { kind: "uploaded"; sha256: unknown } | { kind: "fileId"; id: unknown };

/**
 * Decides what a change of inputs does to a batch, without any network call. The API cannot
 * change a batch, so anything that changes what runs replaces it (created first, then the old
 * one cancelled); settings that only steer the provider update in place. `__provider` is never
 * compared, so upgrading this package leaves live batches alone. An unknown value in something
 * that replaces is taken as a change.
 */
export function diffBatch(olds: BatchOutputs, news: BatchInputs): BatchDiff {
  const replaces: string[] = [];
  const replaceIfChanged = (property: keyof BatchInputs, before: unknown, after: unknown) => {
    if (containsUnknown(after) || !sameValue(before, after)) {
      replaces.push(property);
    }
  };
  replaceIfChanged("endpoint", olds.endpoint, news.endpoint);
  replaceIfChanged(
    "completionWindow",
    olds.completionWindow ?? DEFAULTS.completionWindow,
    news.completionWindow ?? DEFAULTS.completionWindow,
  );
  replaceIfChanged("metadata", olds.metadata ?? {}, news.metadata ?? {});
  replaceIfChanged("outputExpiresAfter", olds.outputExpiresAfter, news.outputExpiresAfter);
  const before = identityOfState(olds);
  const after = identityOfInputs(news);
  if (containsUnknown(after) || !sameValue(before, after)) {
    replaces.push(sourceProperty(news));
  }

  const changes = replaces.length > 0 || inPlaceChanges(olds, news).length > 0 || sourceMoved(olds, news);
  return { changes, replaces, deleteBeforeReplace: false };
}

/** The settings that steer the provider and changed: an update in place, nothing runs again. */
export function inPlaceChanges(
  olds: BatchOutputs,
  news: BatchInputs,
): (typeof IN_PLACE_INPUT_NAMES)[number][] {
  const defaultOf = (name: (typeof IN_PLACE_INPUT_NAMES)[number]): unknown =>
    name in DEFAULTS ? DEFAULTS[name as keyof typeof DEFAULTS] : undefined;
  return IN_PLACE_INPUT_NAMES.filter(
    (name) => !sameValue(olds[name] ?? defaultOf(name), news[name] ?? defaultOf(name)),
  );
}

/** Same bytes under another path, or the same requests reformatted: recorded, nothing runs again. */
export function sourceMoved(olds: BatchOutputs, news: BatchInputs): boolean {
  return !sameValue(olds.inputFile, news.inputFile) || !sameValue(olds.requests, news.requests);
}

function identityOfState(olds: BatchOutputs): InputIdentity {
  return olds.uploadedInputFile
    ? { kind: "uploaded", sha256: olds.inputSha256 }
    : { kind: "fileId", id: olds.inputFileId };
}

function identityOfInputs(news: BatchInputs): InputIdentity {
  return news.inputFileId !== undefined
    ? { kind: "fileId", id: news.inputFileId }
    : { kind: "uploaded", sha256: news.inputSha256 };
}

function sourceProperty(news: BatchInputs): keyof BatchInputs {
  if (news.inputFileId !== undefined) {
    return "inputFileId";
  }
  return news.inputFile !== undefined ? "inputFile" : "requests";
}

/** Deep equality of JSON values, ignoring the order of object keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      inner && typeof inner === "object" && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
        : inner,
    ) ?? "undefined"
  );
}
