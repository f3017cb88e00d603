/**
 * `pulumi import` asks the provider to read a resource from its id alone: the engine's
 * ReadRequest then carries no `properties`, and the Node provider server calls
 * `getProperties().toJavaScript()` on it, which throws. This makes an absent property bag read
 * as an empty one, so that the request reaches the provider's `read` (which works from the id).
 * It changes the message class of the very copy of @pulumi/pulumi that serves the plugin.
 */
import { requireFromSdk } from "../diagnostics/sdk-require";

interface ProtoMessage {
  toJavaScript(): unknown;
}
interface ReadRequestPrototype {
  getProperties(): ProtoMessage | undefined;
  getInputs(): ProtoMessage | undefined;
}

let applied = false;

export function readEmptyPropertiesOnImport(): void {
  if (applied) return;
  applied = true;
  const provider = requireFromSdk("./proto/provider_pb") as {
    ReadRequest: { prototype: ReadRequestPrototype };
  };
  const struct = requireFromSdk("google-protobuf/google/protobuf/struct_pb") as {
    Struct: new () => ProtoMessage;
  };
  const prototype = provider.ReadRequest.prototype;
  const getProperties = prototype.getProperties;
  const getInputs = prototype.getInputs;
  prototype.getProperties = function (this: ReadRequestPrototype) {
    return getProperties.call(this) ?? new struct.Struct();
  };
  prototype.getInputs = function (this: ReadRequestPrototype) {
    return getInputs.call(this) ?? new struct.Struct();
  };
}
