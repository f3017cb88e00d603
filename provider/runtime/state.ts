import {
  type BatchInputs,
  type BatchOutputs,
  DEFAULTS,
  PROVIDER_PROPERTY,
  USER_INPUT_NAMES,
} from "../contract";

/**
 * Reads outputs from the state, whatever release wrote them. `read`, `update` and `delete` go
 * through here, because `destroy` runs with whatever version is installed. Shapes so far:
 * - version 1 (this release): every field of `BatchOutputs`;
 * - no version at all: the outputs of a batch adopted with `Batch.get` before its first read, or
 *   the partial outputs of a failed create. Anything missing falls back to the safe default: the
 *   provider never deletes a file unless the state says it uploaded it.
 */
export function readState(props: Readonly<Record<string, unknown>> | undefined): BatchOutputs {
  const raw = props ?? {};
  return {
    ...(raw as Partial<BatchOutputs>),
    endpoint: raw.endpoint as BatchOutputs["endpoint"],
    stateVersion: typeof raw.stateVersion === "number" ? raw.stateVersion : 0,
    uploadedInputFile: raw.uploadedInputFile === true,
  };
}

/** True when the state was written by this provider for a batch it manages (not adopted with `get`). */
export function isManaged(state: BatchOutputs): boolean {
  return state.stateVersion > 0 && state.endpoint !== undefined;
}

/** The settings that steer the provider, with defaults for what an older state lacks. */
export function steeringOf(inputs: Partial<BatchInputs>) {
  return {
    waitForCompletion: inputs.waitForCompletion ?? DEFAULTS.waitForCompletion,
    waitTimeoutMs: (inputs.waitTimeoutSeconds ?? DEFAULTS.waitTimeoutSeconds) * 1000,
    pollIntervalMs: (inputs.pollIntervalSeconds ?? DEFAULTS.pollIntervalSeconds) * 1000,
    cancelOnDelete: inputs.cancelOnDelete ?? DEFAULTS.cancelOnDelete,
    deleteInputFileOnDelete: inputs.deleteInputFileOnDelete ?? DEFAULTS.deleteInputFileOnDelete,
  };
}

/**
 * Just the inputs out of a state (with the serialized provider, which every set of outputs must
 * carry), for `read` to hand back so that a refresh changes no input. Never the create token: it
 * is an output only (an older release's state has it among its inputs too, and a refresh drops it
 * from there).
 */
export function inputsOf(state: BatchOutputs): BatchInputs {
  const names = [
    ...USER_INPUT_NAMES,
    "resourceKey",
    "setMember",
    "inputSha256",
    "requestCount",
    "estimate",
    PROVIDER_PROPERTY,
  ] as const;
  const inputs: Record<string, unknown> = {};
  for (const name of names) {
    const uploadedFileId = name === "inputFileId" && state.uploadedInputFile;
    if (state[name] !== undefined && !uploadedFileId) {
      inputs[name] = state[name];
    }
  }
  return inputs as unknown as BatchInputs;
}

/** The inputs of a state with its create token: what its outputs are composed from again. */
export function tokenedInputsOf(state: BatchOutputs): BatchInputs {
  const inputs = inputsOf(state);
  return state.createToken === undefined ? inputs : { ...inputs, createToken: state.createToken };
}
