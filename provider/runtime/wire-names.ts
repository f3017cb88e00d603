import type { BatchOutputs } from "../contract";
import { isBatchApiError, isBatchWaitError } from "../errors";
import { sameValue } from "./diff";
import type { BatchResourceProvider } from "./provider";

/**
 * The properties the package keeps for itself, and the names the engine stores them under. The
 * engine shows every property of a resource in a plan (`pulumi preview --diff` of a replace lists
 * every old output as going, and a row's `[diff: ...]` every input that changed) except those whose
 * name starts with `__`, as `__provider` does. So these travel to and from the engine under a `__`
 * name, and the provider's code knows them by their own.
 */
export const WIRE_NAMES = {
  createToken: "__createToken",
  resourceKey: "__resourceKey",
  setMember: "__setMember",
  stateVersion: "__stateVersion",
} as const;

type InternalName = keyof typeof WIRE_NAMES;
type Props = Readonly<Record<string, unknown>>;

const INTERNAL = Object.keys(WIRE_NAMES) as InternalName[];

/**
 * Properties from the engine, with the internal ones under their own names: the `__` name (what
 * this release writes) over the plain one (what the program sends, and what older releases wrote).
 */
export function fromWire<T extends object>(props: T): T;
export function fromWire<T extends object>(props: T | undefined): T | undefined;
export function fromWire<T extends object>(props: T | undefined): T | undefined {
  if (props === undefined || props === null) return props;
  const out: Record<string, unknown> = { ...(props as Props) };
  for (const name of INTERNAL) {
    const wired = out[WIRE_NAMES[name]];
    delete out[WIRE_NAMES[name]];
    if (wired !== undefined) out[name] = wired;
  }
  return out as T;
}

/**
 * Properties for the engine, with the internal ones under their `__` names. One that `older` (the
 * inputs or outputs the engine holds) has under its plain name, with the same value, keeps that
 * name: a resource written by an older release then shows no change of it, and it moves to the
 * `__` name with its first change.
 */
export function toWire<T extends object>(props: T, older?: Props): T {
  const out: Record<string, unknown> = { ...(props as Props) };
  for (const name of INTERNAL) {
    const value = out[name];
    delete out[name];
    if (value === undefined) continue;
    const keepsOldName = older !== undefined && older[name] !== undefined && sameValue(older[name], value);
    out[keepsOldName ? name : WIRE_NAMES[name]] = value;
  }
  return out as T;
}

function asProps(value: unknown): Props | undefined {
  return value === undefined || value === null ? undefined : (value as Props);
}

/**
 * The provider as the dynamic-provider host calls it: what it receives is read with `fromWire`,
 * what it hands back (checked inputs, outputs, the partial state an error carries) written with
 * `toWire`. The provider's own code never sees a `__` name but `__provider`.
 */
export function onTheWire(provider: BatchResourceProvider): BatchResourceProvider {
  const wiredError = (older?: Props) => (error: unknown) => {
    if (isBatchWaitError(error) || isBatchApiError(error)) {
      const carrier = error as unknown as { properties?: BatchOutputs | undefined };
      if (carrier.properties !== undefined) carrier.properties = toWire(carrier.properties, older);
    }
    throw error;
  };
  return {
    ...provider,
    async check(olds, news) {
      const result = await provider.check(fromWire(olds), fromWire(news));
      const { inputs, ...rest } = result;
      return { ...rest, ...(inputs === undefined ? {} : { inputs: toWire(inputs, asProps(olds)) }) };
    },
    diff: (id, olds, news) => provider.diff(id, fromWire(olds), fromWire(news)),
    plan: (id, olds, news) => provider.plan(id, fromWire(olds), fromWire(news)),
    async create(inputs) {
      const result = await provider.create(fromWire(inputs)).catch(wiredError());
      return { ...result, ...(result.outs === undefined ? {} : { outs: toWire(result.outs) }) };
    },
    async read(id, props) {
      const older = asProps(props);
      const { props: outs, inputs, ...rest } = await provider.read(id, fromWire(props));
      return {
        ...rest,
        ...(outs === undefined ? {} : { props: toWire(outs, older) }),
        ...(inputs === undefined ? {} : { inputs: toWire(inputs, older) }),
      };
    },
    async update(id, olds, news) {
      const older = asProps(olds);
      const { outs, ...rest } = await provider
        .update(id, fromWire(olds), fromWire(news))
        .catch(wiredError(older));
      return { ...rest, ...(outs === undefined ? {} : { outs: toWire(outs, older) }) };
    },
    delete: (id, props) => provider.delete(id, fromWire(props)),
  };
}
