import { type BatchInputs, type BatchOutputs, PROVIDER_PROPERTY } from "../contract";
import { BatchInputError } from "../errors";
import type { ApiBatch, OpenAIBatchApi } from "./openai-api";
import { composeOutputs, liveOutputsOf, userMetadataOf } from "./outputs";
import { inputsOf, isManaged, tokenedInputsOf } from "./state";

export interface ReadOutcome {
  id: string;
  props?: BatchOutputs;
  inputs?: BatchInputs;
}

/**
 * Reads the batch from the API. A batch the API no longer knows gives id "" (Pulumi then drops it
 * from the state), except on the first read of `Batch.get`, where it means the id is wrong: that
 * is an error, or the engine would record a resource with nothing in it. A managed batch keeps
 * its inputs, so that a refresh alone never causes a change; a batch adopted with `Batch.get`
 * gets inputs that describe it.
 */
export async function readBatch(id: string, state: BatchOutputs, api: OpenAIBatchApi): Promise<ReadOutcome> {
  const batch = await api.retrieveBatch(id);
  if (batch === undefined) {
    if (knowsNothing(state)) {
      throw new BatchInputError([
        {
          property: "id",
          reason: `the API has no batch ${JSON.stringify(id)} (it answered 404 Not Found); check the id given to Batch.get or pulumi import (batch ids look like batch_...), and that the key belongs to the project that owns the batch`,
        },
      ]);
    }
    return { id: "" };
  }
  const inputs = isManaged(state) ? inputsOf(state) : inputsDescribing(batch);
  const recorded = isManaged(state) ? tokenedInputsOf(state) : inputs;
  return {
    id: batch.id,
    props: composeOutputs(recorded, liveOutputsOf(batch), state.uploadedInputFile),
    inputs,
  };
}

function inputsDescribing(batch: ApiBatch): BatchInputs {
  const metadata = userMetadataOf(batch);
  return {
    endpoint: batch.endpoint as BatchInputs["endpoint"],
    inputFileId: batch.input_file_id,
    completionWindow: batch.completion_window as NonNullable<BatchInputs["completionWindow"]>,
    ...(metadata === undefined ? {} : { metadata }),
  };
}

/** True for the state `Batch.get` reads with: nothing recorded yet but the serialized provider. */
function knowsNothing(state: BatchOutputs): boolean {
  return Object.entries(state).every(
    ([name, value]) =>
      value === undefined ||
      name === PROVIDER_PROPERTY ||
      (name === "stateVersion" && value === 0) ||
      (name === "uploadedInputFile" && value === false),
  );
}
