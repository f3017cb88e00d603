import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_PROPERTY } from "../../provider/contract";
import { Batch } from "../../provider/resource/batch";

/**
 * The `__provider` text exactly as `dynamic.Resource` writes it into the state, taken from a
 * `Batch` made under Pulumi's mocks. It changes this process's Pulumi runtime settings, so call it
 * only in a process that runs no real program.
 */
export async function serializedProviderText(): Promise<string> {
  let text: string | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        text = args.inputs[PROVIDER_PROPERTY] as string;
        return { id: "probe", state: {} };
      },
      call: () => ({}),
    },
    "bench",
    "overhead",
    false,
  );
  const batch = new Batch("probe", { endpoint: "/v1/embeddings", inputFileId: "file-probe" });
  await new Promise((resolve) => batch.id.apply(resolve));
  if (text === undefined) throw new Error("the mocked Batch sent no serialized provider");
  return text;
}
