import { seededRandom } from "../lib/prng";

/** The kinds of text the counting figure times, each of a given size in UTF-8 bytes. */
export type TextKind = "English" | "long word" | "CJK" | "DNA";

export const TEXT_KINDS: readonly TextKind[] = ["English", "long word", "CJK", "DNA"];

const ENGLISH_WORDS = (
  "the customer says that our application crashes whenever someone opens the settings page after " +
  "installing an update and before restarting the phone we asked them to reinstall it which fixed " +
  "the problem for about a day then it came back so please classify this ticket as a bug a question " +
  "or praise give one short reason and suggest what support should answer them next time while " +
  "keeping the reply polite clear and brief because they are clearly tired of waiting for a fix " +
  "invoice payment refund account password email delivery order shipping warehouse manager weekly " +
  "report meeting schedule deadline project budget quarter revenue forecast analysis summary"
).split(" ");

const CJK =
  "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音跑投断府";

const DNA = "ACGT";

/**
 * A deterministic text of about `bytes` UTF-8 bytes: English sentences; one word of random
 * letters with no space; Chinese characters with no space or punctuation (one run); or a DNA
 * sequence. The last three are each a single pre-token, the case where byte-pair merging is
 * quadratic in reference implementations.
 */
export function benchText(kind: TextKind, bytes: number): string {
  const random = seededRandom(bytes + kind.length);
  const pick = (items: readonly string[] | string) => items[Math.floor(random() * items.length)]!;
  switch (kind) {
    case "English": {
      const parts: string[] = [];
      let size = 0;
      while (size < bytes) {
        const length = 6 + Math.floor(random() * 14);
        const words = Array.from({ length }, () => pick(ENGLISH_WORDS));
        const sentence = `${words[0]!.charAt(0).toUpperCase()}${words.join(" ").slice(1)}${random() < 0.2 ? "?" : "."} `;
        parts.push(sentence);
        size += sentence.length;
      }
      return parts.join("").slice(0, bytes);
    }
    case "long word":
      return Array.from({ length: bytes }, () => String.fromCharCode(0x61 + Math.floor(random() * 26))).join(
        "",
      );
    case "CJK":
      return Array.from({ length: Math.floor(bytes / 3) }, () => pick(CJK)).join("");
    case "DNA":
      return Array.from({ length: bytes }, () => pick(DNA)).join("");
  }
}
