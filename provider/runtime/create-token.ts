import { createHash } from "node:crypto";
import type { BatchInputs } from "../contract";
import { containsUnknown } from "../validation/unknowns";

/**
 * The token written into the batch's metadata (and into the names of its uploads). It is the
 * same for every attempt to create the same batch for the same resource, so that a create that
 * runs again after an interrupted `pulumi up` finds the batch the first attempt made. It is
 * undefined while anything it depends on is unknown.
 *
 * It is worked out from the checked inputs wherever it is needed, and recorded only in the
 * outputs: it is no input, so a plan never shows it. The hash is the one every release has made
 * (older releases returned it from `check`), so that a create interrupted under an older release
 * is adopted by this one.
 */
export function createTokenOf(inputs: Readonly<BatchInputs>): string | undefined {
  const identity = {
    resourceKey: inputs.resourceKey,
    endpoint: inputs.endpoint,
    input: inputs.inputFileId ?? inputs.inputSha256,
    completionWindow: inputs.completionWindow,
    metadata: inputs.metadata,
    outputExpiresAfter: inputs.outputExpiresAfter,
  };
  if (identity.input === undefined || containsUnknown(identity)) {
    return undefined;
  }
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}

/** The inputs of a create with its token: the one recorded (an older release's input), else the hash. */
export function withCreateToken(inputs: BatchInputs): BatchInputs {
  const token = inputs.createToken ?? createTokenOf(inputs);
  return token === undefined ? inputs : { ...inputs, createToken: token };
}
