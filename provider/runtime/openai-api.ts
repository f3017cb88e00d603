import OpenAI from "openai";
import { type BackendProfile, type Credentials, connectionOf, sentEndpointOf } from "../backends";
import { CREATE_TOKEN_METADATA_KEY } from "../contract";
import { withoutCredentials } from "../display";
import { BatchApiError, isBatchApiError } from "../errors";
import { toBatchApiError } from "./api-error-mapping";
import { reshapedBatchAnswer } from "./batch-answers";
import { boundedAnswer } from "./bounded-answer";
import type { RuntimeDeps } from "./deps";
import { withFileBoundNote } from "./file-bound";
import { type ContentResponse, resumableContent } from "./resumable-download";
import { retrying } from "./retrying";
import type { ProviderSettings } from "./settings";
import { apiErrorAdvice, PULUMI_AUDIENCE } from "./settings-advice";
import { fileCarriesToken } from "./token-files";

export type ApiBatch = OpenAI.Batch;
export type ApiFile = OpenAI.FileObject;

export interface CreateBatchParams {
  inputFileId: string;
  endpoint: OpenAI.BatchCreateParams["endpoint"];
  completionWindow: "24h";
  metadata: Record<string, string>;
  outputExpiresAfter?: { anchor: "created_at"; seconds: number };
}

/** How many pages of the batch list a look-up for an earlier attempt reads at most. */
const MAX_LOOKUP_PAGES = 10;

/**
 * Every call the provider makes to the OpenAI API, through the official SDK. The SDK's own
 * retries are off: calls that are safe to repeat go through `retrying`, the provider's one retry
 * loop, and the two that are not (upload, create) are made once here; their caller retries them
 * with a look-up for the work a failed call may have done.
 */
export class OpenAIBatchApi {
  private readonly client: OpenAI;
  /** Every secret the calls carry (the key, or an Entra ID token), scrubbed from every error. */
  private readonly secrets: readonly string[];

  constructor(
    private readonly settings: ProviderSettings & { apiKey: string },
    private readonly deps: RuntimeDeps,
  ) {
    // `requireUsableSettings` hands over the Entra ID token as `apiKey` when no key is set.
    const credentials: Credentials =
      settings.adToken !== undefined && settings.apiKey === settings.adToken
        ? { apiKey: undefined, adToken: settings.adToken }
        : { apiKey: settings.apiKey };
    const connection = connectionOf(
      settings.backend.kind,
      settings.baseUrl,
      settings.apiVersion,
      credentials,
    );
    this.secrets = connection.secrets;
    this.client = new OpenAI({
      apiKey: connection.sdkKey,
      baseURL: connection.baseURL,
      ...(connection.defaultQuery === undefined ? {} : { defaultQuery: { ...connection.defaultQuery } }),
      defaultHeaders: { ...connection.defaultHeaders },
      organization: settings.organization ?? null,
      project: settings.project ?? null,
      maxRetries: 0,
      timeout: settings.requestTimeoutMs,
      fetch: loggingFetch(deps),
      logLevel: "off",
    });
  }

  get maxRetries(): number {
    return this.settings.maxRetries;
  }

  /** The backend this API talks to. */
  get backend(): BackendProfile {
    return this.settings.backend;
  }

  /** The purpose of batch input files on this backend (`batch`, Together's `batch-api`). */
  private get purpose(): OpenAI.FilePurpose {
    return this.settings.backend.filePurpose as OpenAI.FilePurpose;
  }

  /**
   * Uploads a batch input once (purpose `batch`); `operation` names the upload in errors. A Blob
   * backed by a file on disk is streamed, never read whole: the SDK passes a File through as it is.
   */
  async uploadInputOnce(body: Blob, filename: string, operation = "upload the input file"): Promise<ApiFile> {
    const file = new File([body], filename, { type: "application/jsonl" });
    try {
      return await this.once(operation, () => this.client.files.create({ file, purpose: this.purpose }));
    } catch (error) {
      throw withFileBoundNote(error, this.settings.backend);
    }
  }

  /** Finds a file an earlier attempt uploaded: same name and size, created since `sinceSeconds`. */
  async findUploadedFile(
    filename: string,
    bytes: number,
    sinceSeconds: number,
  ): Promise<ApiFile | undefined> {
    const page = await this.withRetries("look for an uploaded input file", () =>
      this.client.files.list({ purpose: this.purpose, order: "desc", limit: 100 }),
    );
    return page.data.find(
      (file) => file.filename === filename && file.bytes === bytes && file.created_at >= sinceSeconds,
    );
  }

  /** Creates a batch once. */
  async createBatchOnce(params: CreateBatchParams): Promise<ApiBatch> {
    return this.once("create the batch", () =>
      this.client.batches.create({
        input_file_id: params.inputFileId,
        endpoint: sentEndpointOf(
          this.settings.backend,
          params.endpoint,
        ) as OpenAI.BatchCreateParams["endpoint"],
        completion_window: params.completionWindow,
        metadata: params.metadata,
        ...(params.outputExpiresAfter ? { output_expires_after: params.outputExpiresAfter } : {}),
      }),
    );
  }

  /**
   * Finds the newest batch created since `sinceSeconds` that carries `token` and that `accept`
   * takes (newest first, at most ten pages of 100).
   */
  async findBatchByToken(
    token: string,
    sinceSeconds: number,
    accept: (batch: ApiBatch) => boolean = () => true,
  ): Promise<ApiBatch | undefined> {
    const carries = await this.tokenCarrier(token);
    for await (const batch of this.batchesSince(sinceSeconds)) {
      if (carries(batch) && accept(batch)) {
        return batch;
      }
    }
    return undefined;
  }

  /** Every batch created since `sinceSeconds` that carries `token`, newest first. */
  async listBatchesByToken(token: string, sinceSeconds: number): Promise<ApiBatch[]> {
    const carries = await this.tokenCarrier(token);
    const found: ApiBatch[] = [];
    for await (const batch of this.batchesSince(sinceSeconds)) {
      if (carries(batch)) {
        found.push(batch);
      }
    }
    return found;
  }

  /**
   * How a batch is known to carry a create token: by its metadata, or, on a backend that keeps no
   * batch metadata, by its input file, whose name carries the token (one listing of the files).
   */
  private async tokenCarrier(token: string): Promise<(batch: ApiBatch) => boolean> {
    if (this.settings.backend.createToken === "metadata") {
      return (batch) => batch.metadata?.[CREATE_TOKEN_METADATA_KEY] === token;
    }
    const files = await this.listBatchFiles();
    const inputs = new Set(
      files.filter((file) => fileCarriesToken(file.filename, token)).map((file) => file.id),
    );
    return (batch) => inputs.has(batch.input_file_id);
  }

  /**
   * A view of this API for one operation that looks for its uploads more than once (a delete:
   * its follow-ups' leftovers, then its own): the view's `listBatchFiles` lists once, then answers
   * from that listing less the files deleted through the view since. Every other call is this
   * API's.
   */
  sharingFileListing(): OpenAIBatchApi {
    // The view inherits this object's fields through its prototype (so they must stay TypeScript
    // `private`, not `#private`) and overrides two methods.
    const view = Object.create(this) as OpenAIBatchApi;
    let listing: Promise<ApiFile[]> | undefined;
    const deleted = new Set<string>();
    view.listBatchFiles = async () => {
      listing ??= this.listBatchFiles().catch((error: unknown) => {
        listing = undefined;
        throw error;
      });
      return (await listing).filter((file) => !deleted.has(file.id));
    };
    view.deleteFile = async (id) => {
      await this.deleteFile(id);
      deleted.add(id);
    };
    return view;
  }

  /** Every file of purpose `batch` (pages of 10,000, at most ten). */
  async listBatchFiles(): Promise<ApiFile[]> {
    const files: ApiFile[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page += 1) {
      const cursor = after;
      const result = await this.withRetries("list the uploaded input files", () =>
        this.client.files.list({
          purpose: this.purpose,
          limit: 10_000,
          order: "desc",
          ...(cursor === undefined ? {} : { after: cursor }),
        }),
      );
      files.push(...result.data);
      const last = result.data.at(-1);
      if (!result.has_more || last === undefined) {
        break;
      }
      after = last.id;
    }
    return files;
  }

  /** The batches created since `sinceSeconds`, newest first (at most ten pages of 100). */
  private async *batchesSince(sinceSeconds: number): AsyncGenerator<ApiBatch> {
    let after: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page += 1) {
      const cursor = after;
      const result = await this.withRetries("look for a batch made by an earlier attempt", () =>
        this.client.batches.list({ limit: 100, ...(cursor === undefined ? {} : { after: cursor }) }),
      );
      for (const batch of result.data) {
        if (batch.created_at >= sinceSeconds) {
          yield batch;
        }
      }
      const last = result.data.at(-1);
      if (!result.has_more || last === undefined || last.created_at < sinceSeconds) {
        return;
      }
      after = last.id;
    }
  }

  /**
   * Retrieves a batch once, for a wait that retries by itself: no retries here, and the request
   * gives up by `deadlineMs` (at least a second from now), so that a wait never runs past its own
   * deadline. Undefined when the API does not know the batch (404).
   */
  async pollBatch(id: string, deadlineMs: number): Promise<ApiBatch | undefined> {
    const timeout = Math.min(this.settings.requestTimeoutMs, Math.max(1000, deadlineMs - this.deps.now()));
    return this.orUndefinedOn404(() =>
      this.once("retrieve the batch", () => this.client.batches.retrieve(id, { timeout })),
    );
  }

  /** Retrieves a batch; undefined when the API does not know it (404). */
  async retrieveBatch(id: string): Promise<ApiBatch | undefined> {
    return this.orUndefinedOn404(() =>
      this.withRetries("retrieve the batch", () => this.client.batches.retrieve(id)),
    );
  }

  /**
   * Asks the API to cancel a batch. Undefined when the batch is gone (404) or can no longer be
   * cancelled because it has finished (409).
   */
  async cancelBatch(id: string): Promise<ApiBatch | undefined> {
    try {
      return await this.withRetries("cancel the batch", () => this.client.batches.cancel(id), {
        retryConflict: false,
      });
    } catch (error) {
      if (isBatchApiError(error) && (error.status === 404 || error.status === 409)) {
        return undefined;
      }
      throw error;
    }
  }

  /** Retrieves a file's metadata; undefined when the API no longer has it (404). */
  async retrieveFile(id: string): Promise<ApiFile | undefined> {
    return this.orUndefinedOn404(() =>
      this.withRetries("retrieve the file", () => this.client.files.retrieve(id)),
    );
  }

  /**
   * Opens a file's content as a stream of bytes, read as they arrive and never held whole.
   * Undefined when the API no longer has the file (404). The file's metadata (`file`, retrieved
   * when not given) bounds the download: an answer that runs past its `bytes` is stopped.
   * Opening is retried like any read; a stream cut off half-way is asked for again from the byte
   * where it stopped (see resumable-download.ts), so that its reader sees every byte once.
   */
  async openFileContent(id: string, file?: ApiFile): Promise<AsyncIterable<Uint8Array> | undefined> {
    const metadata = file ?? (await this.retrieveFile(id));
    if (metadata === undefined) {
      return undefined;
    }
    const expectedBytes: unknown = metadata.bytes;
    if (typeof expectedBytes !== "number" || !Number.isSafeInteger(expectedBytes) || expectedBytes < 0) {
      throw new BatchApiError({
        operation: `download file ${id}`,
        apiMessage: `the file's metadata gives no size (bytes is ${JSON.stringify(expectedBytes) ?? "missing"}), so its content cannot be read within bounds; the server does not answer as the OpenAI API does (check openai:baseUrl, or OPENAI_BASE_URL)`,
      });
    }
    const first = await this.requestFileContent(id, 0);
    if (first === undefined) {
      return undefined;
    }
    return resumableContent(first, {
      fileId: id,
      expectedBytes,
      maxRetries: this.settings.maxRetries,
      idleTimeoutMs: this.settings.requestTimeoutMs,
      reopen: (from) => this.requestFileContent(id, from),
      deps: this.deps,
    });
  }

  /**
   * One request for a file's content, from byte `from` on (`Range`); undefined on a 404. The
   * answer can be cancelled, for the idle time-out of its body.
   */
  private async requestFileContent(id: string, from: number): Promise<ContentResponse | undefined> {
    const headers = from > 0 ? { range: `bytes=${from}-` } : undefined;
    let controller = new AbortController();
    const response = await this.orUndefinedOn404(() =>
      this.withRetries("download the file's content", () => {
        controller = new AbortController();
        return this.client.files.content(id, {
          ...(headers === undefined ? {} : { headers }),
          signal: controller.signal,
        });
      }),
    );
    if (response === undefined) {
      return undefined;
    }
    const cancel = controller;
    return {
      status: response.status,
      headers: response.headers,
      body: response.body as AsyncIterable<Uint8Array> | null,
      cancel: () => cancel.abort(),
    };
  }

  /** Deletes a file; a file that is already gone counts as deleted. */
  async deleteFile(id: string): Promise<void> {
    await this.orUndefinedOn404(() =>
      this.withRetries("delete the input file", () => this.client.files.delete(id)),
    );
  }

  private async orUndefinedOn404<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (isBatchApiError(error) && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  private async once<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.mapError(operation, error);
    }
  }

  private mapError(operation: string, error: unknown): BatchApiError {
    const { baseUrl, audience = PULUMI_AUDIENCE } = this.settings;
    // The provider's own advice is the default; other callers' goes with each error.
    const advice =
      audience.via === "pulumi" && audience.namespace === undefined
        ? undefined
        : apiErrorAdvice(audience, withoutCredentials(baseUrl));
    return toBatchApiError(operation, error, this.secrets, this.deps.now(), baseUrl, advice);
  }

  private withRetries<T>(
    operation: string,
    call: () => Promise<T>,
    options: { retryConflict: boolean } = { retryConflict: true },
  ): Promise<T> {
    return retrying(
      () => this.once(operation, call),
      { maxRetries: this.settings.maxRetries, ...options },
      this.deps,
    );
  }
}

const FILE_CONTENT = /\/files\/[^/]+\/content$/;

/**
 * The `fetch` the SDK calls: it logs each call, and reads every answer but file content within
 * bounds (see bounded-answer.ts).
 */
function loggingFetch(deps: RuntimeDeps): typeof fetch {
  return async (input, init) => {
    const started = deps.now();
    const method = init?.method ?? "GET";
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return deps.fetch(input, init);
    }
    const path = url.pathname;
    let response: Response;
    try {
      response = await deps.fetch(input, init);
    } catch (error) {
      deps.log.debug(`${method} ${path} -> no response (${deps.now() - started} ms)`);
      throw error;
    }
    deps.log.debug(`${method} ${path} -> ${response.status} (${deps.now() - started} ms)`);
    // File content is streamed (and bounded by the file's size); every other body is read here,
    // and a batch object is put in OpenAI's shape (see backends/batch-shape.ts).
    if (response.ok && FILE_CONTENT.test(path)) return response;
    return reshapedBatchAnswer(await boundedAnswer(response, `${method} ${path}`), path);
  };
}
