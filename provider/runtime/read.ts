import type { BatchInputs, BatchOutputs } from "../contract";
import type { ApiBatch, OpenAIBatchApi } from "./openai-api";
import { composeOutputs, liveOutputsOf, userMetadataOf } from "./outputs";
import { inputsOf, isManaged } from "./state";

export interface ReadOutcome {
  id: string;
  props?: BatchOutputs;
  inputs?: BatchInputs;
}

/**
 * Reads the batch from the API. A batch the API no longer knows gives id "" (Pulumi then drops it
 * from the state). A managed batch keeps its inputs, so that a refresh alone never causes a
 * change; a batch adopted with `Batch.get` gets inputs that describe it.
 */
export async function readBatch(id: string, state: BatchOutputs, api: OpenAIBatchApi): Promise<ReadOutcome> {
  const batch = await api.retrieveBatch(id);
  if (batch === undefined) {
    return { id: "" };
  }
  const inputs = isManaged(state) ? inputsOf(state) : inputsDescribing(batch);
  return {
    id: batch.id,
    props: composeOutputs(inputs, liveOutputsOf(batch), state.uploadedInputFile),
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
