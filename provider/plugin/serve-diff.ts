import { requireFromSdk } from "../diagnostics/sdk-require";
import type { DetailedDiffResult } from "./detailed-diff";
import type { ConfigurableProvider } from "./serve";

interface PropertyDiffMessage {
  setKind(kind: number): void;
  setInputdiff(input: boolean): void;
}
interface DiffResponseMessage {
  setChanges(changes: number): void;
  setReplacesList(replaces: string[]): void;
  setDeletebeforereplace(value: boolean): void;
  setDiffsList(diffs: string[]): void;
  setHasdetaileddiff(value: boolean): void;
  getDetaileddiffMap(): { set(key: string, value: PropertyDiffMessage): void };
}
interface ProviderMessages {
  DiffResponse: (new () => DiffResponseMessage) & {
    DiffChanges: { DIFF_UNKNOWN: number; DIFF_NONE: number; DIFF_SOME: number };
  };
  PropertyDiff: (new () => PropertyDiffMessage) & { Kind: { UPDATE: number; UPDATE_REPLACE: number } };
}
interface DiffCall {
  request: {
    getId(): string;
    getUrn(): string;
    getOlds(): { toJavaScript(): Record<string, unknown> } | undefined;
    getNews(): { toJavaScript(): Record<string, unknown> } | undefined;
  };
}

/**
 * `implementation`, whose `Diff` answers with the provider's detailed diff too. The server of
 * `@pulumi/pulumi/provider` sends only `changes`, `replaces` and `deleteBeforeReplace`, so the
 * engine would show a plan as the difference of the inputs alone; with the detailed diff it shows
 * the properties the plan's reasons name (a results file to write again names `resultsSha256`).
 */
export function withDetailedDiff(implementation: object, provider: ConfigurableProvider): object {
  const messages = requireFromSdk("./proto/provider_pb") as ProviderMessages;
  const diff = (call: DiffCall, callback: (error: unknown, response?: DiffResponseMessage) => void) => {
    const request = call.request;
    const olds = request.getOlds()?.toJavaScript() ?? {};
    const news = request.getNews()?.toJavaScript() ?? {};
    const answer = provider.diff?.(request.getId(), request.getUrn(), olds, news) ?? Promise.resolve({});
    void answer.then(
      (result) => callback(null, diffResponseOf(result as DetailedDiffResult, messages)),
      (error: unknown) => callback(error),
    );
  };
  return Object.create(implementation, { diff: { value: diff } });
}

export function diffResponseOf(result: DetailedDiffResult, messages: ProviderMessages): DiffResponseMessage {
  const { DiffResponse, PropertyDiff } = messages;
  const response = new DiffResponse();
  const { DIFF_SOME, DIFF_NONE, DIFF_UNKNOWN } = DiffResponse.DiffChanges;
  response.setChanges(
    result.changes === true ? DIFF_SOME : result.changes === false ? DIFF_NONE : DIFF_UNKNOWN,
  );
  if (result.replaces !== undefined && result.replaces.length > 0)
    response.setReplacesList([...result.replaces]);
  if (result.deleteBeforeReplace === true) response.setDeletebeforereplace(true);
  if (result.detailedDiff !== undefined) {
    response.setHasdetaileddiff(true);
    response.setDiffsList(Object.keys(result.detailedDiff));
    const map = response.getDetaileddiffMap();
    for (const [property, change] of Object.entries(result.detailedDiff)) {
      const entry = new PropertyDiff();
      entry.setKind(
        change.kind === "update-replace" ? PropertyDiff.Kind.UPDATE_REPLACE : PropertyDiff.Kind.UPDATE,
      );
      entry.setInputdiff(change.inputDiff);
      map.set(property, entry);
    }
  }
  return response;
}
