import { main, type Provider } from "@pulumi/pulumi/provider";
import { requireFromSdk } from "../diagnostics/sdk-require";
import { withDetailedDiff } from "./serve-diff";

/** The values of a `Configure` call: the provider resource's arguments (secrets still wrapped). */
export interface ConfigureValues {
  args: Readonly<Record<string, unknown>>;
}

/** A provider that also takes the values of `Configure`. */
export interface ConfigurableProvider extends Provider {
  /** Called with every `Configure`, before it is answered; must not throw. */
  configureWith(values: ConfigureValues): Promise<void>;
}

interface GrpcServer {
  addService(service: unknown, implementation: object): void;
}
interface ConfigureCall {
  request: { getArgs(): { toJavaScript(): Record<string, unknown> } | undefined };
}
type Handler = (call: ConfigureCall, callback: (...answer: unknown[]) => void) => unknown;

/**
 * Serves `provider` over gRPC with `@pulumi/pulumi/provider`'s `main`, and hands it the values of
 * every `Configure` call.
 *
 * That server answers `Configure` without passing its values on (and its `Server` class is not
 * exported), so an explicit provider's arguments would never reach the provider. `main` builds a
 * `grpc.Server` and registers its implementation with `addService(ResourceProviderService, impl)`;
 * for that one call, `addService` is wrapped so that it registers an object that inherits every
 * method of `impl` but whose `configure` first awaits `provider.configureWith(...)` and then
 * answers as `impl.configure` does; its `diff` also sends the provider's detailed diff
 * (serve-diff.ts). Nothing else of the server changes, and `addService` is restored as soon as it
 * has been called.
 */
export function serveProvider(provider: ConfigurableProvider, args: string[]): Promise<void> {
  const grpc = requireFromSdk("@grpc/grpc-js") as { Server: { prototype: GrpcServer } };
  const { ResourceProviderService } = requireFromSdk("./proto/provider_grpc_pb") as {
    ResourceProviderService: unknown;
  };
  const prototype = grpc.Server.prototype;
  const addService = prototype.addService;
  prototype.addService = function (this: GrpcServer, service: unknown, implementation: object) {
    if (service !== ResourceProviderService) return addService.call(this, service, implementation);
    prototype.addService = addService;
    return addService.call(
      this,
      service,
      withDetailedDiff(withConfigureValues(implementation, provider), provider),
    );
  };
  return main(provider, args).finally(() => {
    prototype.addService = addService;
  });
}

/** `implementation`, whose `configure` hands the call's values to `provider` before answering. */
export function withConfigureValues(implementation: object, provider: ConfigurableProvider): object {
  const answer = (implementation as { configure: Handler }).configure;
  const configure: Handler = (call, callback) => {
    const args = call.request.getArgs()?.toJavaScript() ?? {};
    void provider.configureWith({ args }).then(
      () => answer.call(wrapped, call, callback),
      (error: unknown) => callback(error),
    );
  };
  const wrapped: object = Object.create(implementation, { configure: { value: configure } });
  return wrapped;
}
