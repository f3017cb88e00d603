import { SECTION_IDS, type SectionId } from "./report/types";

export interface BenchArgs {
  quick: boolean;
  /** Sections to run, in order; all by default. */
  only: SectionId[];
  keepData: boolean;
  /** Print the tables as Markdown too (for bench/README.md). */
  markdown: boolean;
  /** Where to write the results; default bench/results.json. */
  out: string | undefined;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --quick            small sizes, a few seconds; for CI (fails only on robust regressions)
  --only <ids>       run only these sections, comma-separated: ${SECTION_IDS.join(", ")}
  --keep-data        keep the generated inputs in bench/data/ (reused by the next run)
  --markdown         print the results as Markdown tables too
  --out <file>       write the results there instead of bench/results.json
  --help             show this help`;

/** Reads the command line; throws a RangeError that says what is wrong. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    quick: false,
    only: [...SECTION_IDS],
    keepData: false,
    markdown: false,
    out: undefined,
    help: false,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    switch (arg) {
      case "--quick":
        args.quick = true;
        break;
      case "--keep-data":
        args.keepData = true;
        break;
      case "--markdown":
        args.markdown = true;
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      case "--only":
        args.only = parseSections(argv[++index]);
        break;
      case "--out": {
        const out = argv[++index];
        if (out === undefined || out.startsWith("--")) throw new RangeError("Expected a file after --out.");
        args.out = out;
        break;
      }
      default:
        throw new RangeError(`Unknown argument ${JSON.stringify(arg)}.\n\n${USAGE}`);
    }
  }
  return args;
}

function parseSections(text: string | undefined): SectionId[] {
  const ids = (text ?? "").split(",").filter((id) => id !== "");
  const unknown = ids.filter((id) => !(SECTION_IDS as readonly string[]).includes(id));
  if (ids.length === 0 || unknown.length > 0) {
    throw new RangeError(
      `Expected --only to list sections among ${SECTION_IDS.join(", ")}; got ${JSON.stringify(text ?? "")}.`,
    );
  }
  return SECTION_IDS.filter((id) => ids.includes(id));
}
