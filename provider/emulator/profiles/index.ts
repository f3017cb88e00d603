import { azureEmulation, DEFAULT_DEPLOYMENTS } from "./azure";
import { GROQ_EMULATION, TOGETHER_EMULATION } from "./compatible";
import { OPENAI_EMULATION } from "./openai";
import type { EmulatorProfile, ProfileName } from "./profile";

export { AZURE_BOM_MESSAGE, DEFAULT_DEPLOYMENTS } from "./azure";
export { GROQ_EMULATION, TOGETHER_EMULATION } from "./compatible";
export { OPENAI_EMULATION } from "./openai";
export {
  type ApiMount,
  type EmulatorProfile,
  PROFILE_NAMES,
  type ProfileName,
  routeThrough,
} from "./profile";

/**
 * The profile of a name; `deployments` are Azure's (its defaults when absent), and
 * `tokenLimitAtCreate` whether Azure checks the enqueued-token quota at create.
 */
export function emulatorProfile(
  name: ProfileName,
  deployments: Readonly<Record<string, string>> | undefined,
  tokenLimitAtCreate = false,
): EmulatorProfile {
  switch (name) {
    case "openai":
      return OPENAI_EMULATION;
    case "azure":
      return azureEmulation(deployments ?? DEFAULT_DEPLOYMENTS, tokenLimitAtCreate);
    case "groq":
      return GROQ_EMULATION;
    case "together":
      return TOGETHER_EMULATION;
  }
}
