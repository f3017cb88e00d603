/**
 * The engine log client over real gRPC: a stand-in for the engine's `Log` service (the generated
 * service definition that ships with @pulumi/pulumi) on a free port records what arrives.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { engineLog, resourceDiagnostics } from "../../provider/diagnostics";
import { REPO_ROOT } from "../support/repo";

const requireFromRepo = createRequire(join(REPO_ROOT, "package.json"));
const grpc = requireFromRepo("@grpc/grpc-js");
const engrpc = requireFromRepo("@pulumi/pulumi/proto/engine_grpc_pb");
const emptyproto = requireFromRepo("google-protobuf/google/protobuf/empty_pb");

interface Received {
  severity: number;
  message: string;
  urn: string;
  ephemeral: boolean;
}

interface LogRequest {
  getSeverity(): number;
  getMessage(): string;
  getUrn(): string;
  getEphemeral(): boolean;
}

const URN = "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/openai:Batch::questions";
const SET_URN = "urn:pulumi:dev::proj::pulumi-openai-batch:index:BatchSet::docs";

describe("lines to the engine's Log service", () => {
  const received: Received[] = [];
  let server: { tryShutdown(callback: () => void): void; forceShutdown(): void };
  let address: string;

  beforeAll(async () => {
    server = new grpc.Server();
    const unimplemented = (_call: unknown, callback: (error: unknown) => void) =>
      callback({ code: grpc.status.UNIMPLEMENTED });
    (server as unknown as { addService(s: unknown, i: unknown): void }).addService(engrpc.EngineService, {
      log: (call: { request: LogRequest }, callback: (error: null, response: unknown) => void) => {
        const request = call.request;
        received.push({
          severity: request.getSeverity(),
          message: request.getMessage(),
          urn: request.getUrn(),
          ephemeral: request.getEphemeral(),
        });
        callback(null, new emptyproto.Empty());
      },
      getRootResource: unimplemented,
      setRootResource: unimplemented,
      startDebugging: unimplemented,
      requirePulumiVersion: unimplemented,
    });
    const port = await new Promise<number>((resolve, reject) =>
      (
        server as unknown as {
          bindAsync(a: string, c: unknown, cb: (e: Error | null, p: number) => void): void;
        }
      ).bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => {
    server?.forceShutdown();
  });

  test("arrive in order, at info and warning severity, with the resource's URN", async () => {
    received.length = 0;
    const fallback: string[] = [];
    const sink = engineLog(address, (_severity, line) => fallback.push(line));
    for (let i = 1; i <= 20; i += 1) sink.write("info", `line ${i}`, URN);
    sink.write("warning", "no price for model acme-llm-1", URN);
    sink.write("info", "of the stack", undefined);
    await sink.delivered();
    sink.close();
    expect(received.slice(0, 20).map((r) => r.message)).toEqual(
      Array.from({ length: 20 }, (_, i) => `line ${i + 1}`),
    );
    // LogSeverity: INFO is 1, WARNING is 2.
    expect(received.slice(0, 20).every((r) => r.severity === 1 && r.urn === URN)).toBe(true);
    expect(received[20]).toEqual({
      severity: 2,
      message: "no price for model acme-llm-1",
      urn: URN,
      ephemeral: false,
    });
    expect(received[21]).toEqual({ severity: 1, message: "of the stack", urn: "", ephemeral: false });
    expect(fallback).toEqual([]);
  });

  test("go to the fallback, in order, when the engine cannot be reached", async () => {
    const fallback: string[] = [];
    // Port 1 on the loopback: nothing listens there.
    const sink = engineLog("127.0.0.1:1", (severity, line) => fallback.push(`${severity} ${line}`));
    sink.write("info", "first", URN);
    sink.write("warning", "second", URN);
    sink.write("info", "third", URN);
    await sink.delivered();
    sink.close();
    expect(fallback).toEqual(["info first", "warning second", "info third"]);
  });

  test("resourceDiagnostics sends progress lines and warnings through the engine when there is one", async () => {
    received.length = 0;
    const diagnostics = resourceDiagnostics(address);
    diagnostics.progress("questions: batch_1 in_progress: 1/2 done", URN);
    diagnostics.warning("model acme-llm-1 is not one this package knows", URN);
    // A set's progress line, only shown on its row while the up runs.
    diagnostics.progress("wave 1/2: 0/4 batches done, 0/40 requests done", SET_URN, { ephemeral: true });
    await diagnostics.delivered();
    expect(received).toEqual([
      { severity: 1, message: "questions: batch_1 in_progress: 1/2 done", urn: URN, ephemeral: false },
      {
        severity: 2,
        message: "model acme-llm-1 is not one this package knows",
        urn: URN,
        ephemeral: false,
      },
      {
        severity: 1,
        message: "wave 1/2: 0/4 batches done, 0/40 requests done",
        urn: SET_URN,
        ephemeral: true,
      },
    ]);
  });
});
