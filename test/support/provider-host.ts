import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { REPO_ROOT } from "./repo";

// The generated gRPC code that ships inside @pulumi/pulumi: the same the engine's peer uses.
const requireFromRepo = createRequire(join(REPO_ROOT, "package.json"));
const grpc = requireFromRepo("@grpc/grpc-js");
const structproto = requireFromRepo("google-protobuf/google/protobuf/struct_pb");
const provproto = requireFromRepo("@pulumi/pulumi/proto/provider_pb");
const provrpc = requireFromRepo("@pulumi/pulumi/proto/provider_grpc_pb");
const statusproto = requireFromRepo("@pulumi/pulumi/proto/status_pb");
const engrpc = requireFromRepo("@pulumi/pulumi/proto/engine_grpc_pb");

interface GrpcServer {
  addService(service: unknown, implementation: unknown): void;
  bindAsync(
    address: string,
    credentials: unknown,
    callback: (error: Error | null, port: number) => void,
  ): void;
  forceShutdown(): void;
}

/**
 * A stand-in for the engine's gRPC server, at the address the host is given, as the real engine's
 * is: the provider's watchdog probes it, and stops the host once it is gone. Every call answers
 * UNIMPLEMENTED, so that progress lines go to the host's standard output.
 */
async function startStandInEngine(): Promise<{ address: string; server: GrpcServer }> {
  const server = new grpc.Server() as GrpcServer;
  const unimplemented = (_call: unknown, callback: (error: unknown) => void) =>
    callback({ code: grpc.status.UNIMPLEMENTED });
  server.addService(
    engrpc.EngineService,
    Object.fromEntries(Object.keys(engrpc.EngineService).map((name) => [name, unimplemented])),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { address: `127.0.0.1:${port}`, server };
}

type Props = Record<string, unknown>;

export interface InitFailure {
  id: string;
  properties: Props;
  reasons: string[];
}

/** A gRPC failure from the host, with the "created but failed to initialise" details when it sent them. */
export class HostCallError extends Error {
  override readonly name = "HostCallError";
  constructor(
    message: string,
    readonly initFailure: InitFailure | undefined,
  ) {
    super(message);
  }
}

export interface DiffAnswer {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Only when the answer has one (`hasDetailedDiff`): each property's kind and whether it is an input. */
  detailedDiff?: Record<string, { kind: number; inputDiff: boolean }>;
}

/** The kinds of a detailed diff's entry (`pulumirpc.PropertyDiff.Kind`). */
export const PROPERTY_DIFF_KIND = provproto.PropertyDiff.Kind as {
  ADD: number;
  ADD_REPLACE: number;
  DELETE: number;
  DELETE_REPLACE: number;
  UPDATE: number;
  UPDATE_REPLACE: number;
};

/** Pulumi's dynamic-provider host, which runs the serialized provider of each resource. */
export const DYNAMIC_PROVIDER_HOST = join(
  REPO_ROOT,
  "node_modules",
  "@pulumi",
  "pulumi",
  "cmd",
  "dynamic-provider",
);
/** The package's provider plugin (it runs the build in dist/). */
export const PLUGIN_HOST = join(REPO_ROOT, "bin", "pulumi-resource-openai-batch");

/**
 * Pulumi's real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), started as the
 * engine starts it, and a gRPC client that calls it as the engine does.
 */
export class ProviderHost {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly client: {
      [method: string]: (request: unknown, callback: (error: unknown, response: unknown) => void) => void;
    } & { close(): void },
    readonly stderr: () => string,
    private readonly engine: GrpcServer,
  ) {}

  /**
   * Starts a host in `cwd`, given a stand-in engine's address as its argument, as the engine
   * starts it: by default Pulumi's dynamic-provider host; `script` may name another (the plugin).
   */
  static async start(
    cwd: string,
    env: NodeJS.ProcessEnv = {},
    script = DYNAMIC_PROVIDER_HOST,
  ): Promise<ProviderHost> {
    return ProviderHost.startServer([process.execPath, script], cwd, env);
  }

  /**
   * Any provider server started as the engine starts a plugin: `command` with a stand-in engine's
   * address as its last argument, in `cwd`.
   */
  static async startServer(
    command: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv = {},
  ): Promise<ProviderHost> {
    const [file, ...args] = command;
    const engine = await startStandInEngine();
    const child = spawn(file as string, [...args, engine.address], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^(\d+)\s*$/m.exec(stdout);
        if (match) {
          resolve(Number(match[1]));
        }
      });
      child.once("exit", (code) =>
        reject(new Error(`the provider host exited (${code}) before it listened: ${stderr}`)),
      );
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, () => stderr, engine.server);
  }

  /** The host process's id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Shuts the stand-in engine down at once, as a killed engine goes. */
  killEngine(): void {
    this.engine.forceShutdown();
  }

  /** Resolves with the host's exit code (or signal) once it has exited. */
  exited(): Promise<number | string> {
    const { exitCode, signalCode } = this.child;
    if (exitCode !== null || signalCode !== null) return Promise.resolve(exitCode ?? (signalCode as string));
    return new Promise((resolve) =>
      this.child.once("exit", (code, signal) => resolve(code ?? (signal as string))),
    );
  }

  /** `Configure` with these arguments (a provider resource's inputs, as the engine sends them). */
  async configure(config: Record<string, unknown>): Promise<void> {
    const request = new provproto.ConfigureRequest();
    request.setArgs(structproto.Struct.fromJavaScript(config));
    await this.call("configure", request);
  }

  async check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const request = new provproto.CheckRequest();
    request.setUrn(urn);
    request.setOlds(structproto.Struct.fromJavaScript(olds));
    request.setNews(structproto.Struct.fromJavaScript(news));
    const response = await this.call("check", request);
    return {
      inputs: response.getInputs().toJavaScript(),
      failures: response.getFailuresList().map((f: { getProperty(): string; getReason(): string }) => ({
        property: f.getProperty(),
        reason: f.getReason(),
      })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffAnswer> {
    const request = new provproto.DiffRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(structproto.Struct.fromJavaScript(olds));
    request.setNews(structproto.Struct.fromJavaScript(news));
    const response = await this.call("diff", request);
    const changes = response.getChanges();
    const kinds = provproto.DiffResponse.DiffChanges;
    const answer: DiffAnswer = {
      changes: changes === kinds.DIFF_NONE ? "none" : changes === kinds.DIFF_SOME ? "some" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
    if (response.getHasdetaileddiff()) {
      const detailed: NonNullable<DiffAnswer["detailedDiff"]> = {};
      response
        .getDetaileddiffMap()
        .forEach((entry: { getKind(): number; getInputdiff(): boolean }, key: string) => {
          detailed[key] = { kind: entry.getKind(), inputDiff: entry.getInputdiff() };
        });
      answer.detailedDiff = detailed;
    }
    return answer;
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const request = new provproto.CreateRequest();
    request.setUrn(urn);
    request.setProperties(structproto.Struct.fromJavaScript(properties));
    const response = await this.call("create", request);
    return { id: response.getId(), properties: response.getProperties().toJavaScript() };
  }

  async read(
    urn: string,
    id: string,
    properties: Props,
  ): Promise<{ id: string; properties: Props; inputs: Props | undefined }> {
    const request = new provproto.ReadRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(structproto.Struct.fromJavaScript(properties));
    const response = await this.call("read", request);
    return {
      id: response.getId(),
      properties: response.getProperties()?.toJavaScript() ?? {},
      inputs: response.getInputs()?.toJavaScript(),
    };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    const request = new provproto.UpdateRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(structproto.Struct.fromJavaScript(olds));
    request.setNews(structproto.Struct.fromJavaScript(news));
    const response = await this.call("update", request);
    return response.getProperties().toJavaScript();
  }

  async delete(urn: string, id: string, properties: Props): Promise<void> {
    const request = new provproto.DeleteRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(structproto.Struct.fromJavaScript(properties));
    await this.call("delete", request);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      await exited;
    }
    this.engine.forceShutdown();
  }

  // biome-ignore lint/suspicious/noExplicitAny: the generated gRPC messages are untyped JavaScript.
  private call(method: string, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method]!(request, (error: unknown, response: unknown) => {
        if (error) {
          reject(toHostCallError(error));
        } else {
          resolve(response);
        }
      });
    });
  }
}

function toHostCallError(error: unknown): HostCallError {
  const { details, metadata } = error as { details?: string; metadata?: { get(key: string): Buffer[] } };
  const raw = metadata?.get("grpc-status-details-bin")?.[0];
  let initFailure: InitFailure | undefined;
  if (raw) {
    const status = statusproto.Status.deserializeBinary(new Uint8Array(raw));
    for (const any of status.getDetailsList()) {
      const failed = any.unpack(
        provproto.ErrorResourceInitFailed.deserializeBinary,
        "pulumirpc.ErrorResourceInitFailed",
      );
      if (failed) {
        initFailure = {
          id: failed.getId(),
          properties: failed.getProperties()?.toJavaScript() ?? {},
          reasons: failed.getReasonsList(),
        };
      }
    }
  }
  return new HostCallError(details ?? String(error), initFailure);
}
