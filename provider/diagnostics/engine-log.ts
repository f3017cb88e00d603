import { requireFromSdk } from "./sdk-require";

/** How a diagnostic is shown: info (a progress line) or warning. */
export type DiagnosticSeverity = "info" | "warning";

/** Lines for the user, attached to a resource when its URN is given. */
export interface DiagnosticSink {
  /** `ephemeral`: shown while the operation runs, left out of the engine's Diagnostics block. */
  write(severity: DiagnosticSeverity, message: string, urn: string | undefined, ephemeral?: boolean): void;
  /** Resolves once every line written so far has been delivered, or handed to the fallback. */
  delivered(): Promise<void>;
  /** Closes the connection to the engine; later lines go to the fallback. */
  close(): void;
}

/** A call to the engine takes no longer than this; a line it cannot deliver goes to the fallback. */
const LOG_CALL_DEADLINE_MS = 10_000;

/** The generated gRPC modules that ship with `@pulumi/pulumi`: the same the SDK's own `log` uses. */
type EngineGrpc = typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
type EngineProto = typeof import("@pulumi/pulumi/proto/engine_pb");
/** The last overload of `log`: (request, metadata, options, callback). */
type Metadata = Parameters<InstanceType<EngineGrpc["EngineClient"]>["log"]>[1];
interface Grpc {
  credentials: { createInsecure(): ConstructorParameters<EngineGrpc["EngineClient"]>[1] };
  Metadata: new () => Metadata;
}

interface EngineConnection {
  client: InstanceType<EngineGrpc["EngineClient"]>;
  proto: EngineProto;
  metadata: () => Metadata;
}

/**
 * Sends lines to the Pulumi engine's `Log` RPC at `address`, in the order written, each with its
 * resource's URN, so that the engine shows them under that resource. When the engine cannot be
 * reached, that line and every later one go to `fallback` instead.
 */
export function engineLog(
  address: string,
  fallback: (severity: DiagnosticSeverity, message: string) => void,
): DiagnosticSink {
  let connection: EngineConnection | undefined;
  let broken = false;
  let last: Promise<void> = Promise.resolve();

  const connect = (): EngineConnection => {
    if (connection === undefined) {
      const grpc = requireFromSdk("@grpc/grpc-js") as Grpc;
      const engrpc = requireFromSdk("./proto/engine_grpc_pb") as EngineGrpc;
      const proto = requireFromSdk("./proto/engine_pb") as EngineProto;
      connection = {
        client: new engrpc.EngineClient(address, grpc.credentials.createInsecure()),
        proto,
        metadata: () => new grpc.Metadata(),
      };
    }
    return connection;
  };

  const send = (
    severity: DiagnosticSeverity,
    message: string,
    urn: string | undefined,
    ephemeral: boolean,
  ): Promise<void> => {
    if (broken) {
      fallback(severity, message);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const giveUp = () => {
        broken = true;
        fallback(severity, message);
        resolve();
      };
      try {
        const { client, proto, metadata } = connect();
        const request = new proto.LogRequest();
        request.setSeverity(severity === "warning" ? proto.LogSeverity.WARNING : proto.LogSeverity.INFO);
        request.setMessage(message);
        request.setUrn(urn ?? "");
        request.setStreamid(0);
        request.setEphemeral(ephemeral);
        const deadline = new Date(Date.now() + LOG_CALL_DEADLINE_MS);
        client.log(request, metadata(), { deadline }, (error) => {
          if (error) giveUp();
          else resolve();
        });
      } catch {
        giveUp();
      }
    });
  };

  return {
    write(severity, message, urn, ephemeral = false) {
      last = last.then(() => send(severity, message, urn, ephemeral));
    },
    delivered: () => last,
    close() {
      broken = true;
      connection?.client.close();
    },
  };
}
