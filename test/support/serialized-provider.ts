import * as pulumi from "@pulumi/pulumi";
import { Batch } from "pulumi-openai-batch";

/**
 * The `__provider` text exactly as `dynamic.Resource` writes it, taken from a `Batch` made under
 * Pulumi's mocks (as the built package makes it). It sets this process's mocks, so call it only in
 * a test file that runs no other program.
 */
export async function serializedProviderText(): Promise<string> {
  let text: string | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        text = args.inputs.__provider as string;
        return { id: "x", state: {} };
      },
      call: () => ({}),
    },
    "host",
    "test",
    false,
  );
  const batch = new Batch("probe", { endpoint: "/v1/embeddings", inputFileId: "file-x" });
  await new Promise((resolve) => batch.id.apply(resolve));
  if (text === undefined) throw new Error("the mocked Batch sent no serialized provider");
  return text;
}
