import { BatchApiError } from "../errors";
import { realDeps } from "../runtime/deps";
import { OpenAIBatchApi } from "../runtime/openai-api";
import { type ConfigSource, requireUsableSettings, resolveSettings } from "../runtime/settings";
import { CODE_AUDIENCE, type SettingsAudience } from "../runtime/settings-advice";
import { attemptOf } from "./api-files";
import { inputRequests } from "./input";
import { joinWithInput, joinWithoutInput, ResultFileProblem } from "./join";
import type { BatchResultRecord, BatchResultsSource, ReadBatchResultsOptions } from "./types";

/**
 * Reads a finished batch's results: its output and error files joined with its input, streamed,
 * one record per request. With `input`, records come in input order, requests found in neither
 * file are `missing` (or `cancelled`/`expired` when the batch was), and result lines whose
 * custom_id is not in the input come last, without `line`. Without it, records come in output
 * order, then error order. Memory stays flat whatever the files' size.
 *
 * The key, URL, organization and project default to OPENAI_API_KEY, OPENAI_BASE_URL,
 * OPENAI_ORG_ID and OPENAI_PROJECT_ID.
 */
export function readBatchResults(
  batch: BatchResultsSource,
  options: ReadBatchResultsOptions = {},
): AsyncIterable<BatchResultRecord> {
  return readBatchResultsFor(CODE_AUDIENCE, batch, options);
}

/**
 * `readBatchResults` for a caller whose users set the key and the URL elsewhere than in a
 * program's options (the `openai-batch` command: the environment), so that messages advise them.
 * `seen` is told the batch's status once it is known, before the first record.
 */
export function readBatchResultsFor(
  audience: SettingsAudience,
  batch: BatchResultsSource,
  options: ReadBatchResultsOptions = {},
  seen?: (status: string | undefined) => void,
): AsyncIterable<BatchResultRecord> {
  return (async function* () {
    const api = connect(options, audience);
    const attempt = await attemptOf(api, batch);
    seen?.(attempt.status);
    const records =
      options.input === undefined
        ? joinWithoutInput([attempt])
        : joinWithInput([attempt], inputRequests(options.input));
    try {
      yield* records;
    } catch (error) {
      throw asApiError(error);
    }
  })();
}

/** A result line the API wrote that cannot be read is the API's failure: a `BatchApiError`. */
export function asApiError(error: unknown): unknown {
  if (error instanceof ResultFileProblem) {
    return new BatchApiError({ operation: "read the batch's results", apiMessage: error.message });
  }
  return error;
}

function connect(options: ReadBatchResultsOptions, audience: SettingsAudience): OpenAIBatchApi {
  const given: Record<string, string | undefined> = {
    "openai:apiKey": options.apiKey,
    "openai:baseUrl": options.baseUrl,
    "openai:organization": options.organization,
    "openai:project": options.project,
  };
  const config: ConfigSource = { get: (key) => given[key] };
  const deps = realDeps();
  const settings = resolveSettings(config, deps.env, audience);
  const apiKey = requireUsableSettings(settings);
  return new OpenAIBatchApi({ ...settings, apiKey }, deps);
}
