import { followUpFilename } from "../results/follow-up";
import { isUploadOf } from "./own-uploads";

/**
 * Whether an uploaded file's name carries a create token: a resource's upload
 * (`requests.<token>.<attempt>.jsonl`) or a follow-up's (`retry.<token tail>.jsonl`). On a backend
 * that keeps no batch metadata, a batch carries the token of the file it reads.
 */
export function fileCarriesToken(filename: string, token: string): boolean {
  return isUploadOf(filename, token) || filename === followUpFilename(token);
}
