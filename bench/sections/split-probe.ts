/**
 * Child process of the split figures: splits one file into content-defined shards in a cache
 * folder, as a `BatchSet` does while `pulumi preview` runs the program, and reports the time, the
 * peak RSS growth and the shards. Usage: node split-probe.js <path> <cache dir>
 */
import { DEFAULT_BOUNDS } from "../../provider/set/bounds";
import { splitFile } from "../../provider/set/split";
import { serveInChild } from "../lib/child";
import { type Measurement, measure } from "../lib/measure";

export interface SplitProbeResult {
  shards: number;
  requests: number;
  largestShardRequests: number;
  largestShardBytes: number;
}

if (require.main === module) {
  const [path, cacheDir] = process.argv.slice(2) as [string, string];
  serveInChild<Measurement<SplitProbeResult>>(() =>
    measure(async () => {
      const shards = splitFile(path, {
        bounds: DEFAULT_BOUNDS,
        cacheDir,
        property: "inputFile",
        label: path,
      });
      return {
        shards: shards.length,
        requests: shards.reduce((sum, shard) => sum + shard.requests, 0),
        largestShardRequests: Math.max(...shards.map((shard) => shard.requests)),
        largestShardBytes: Math.max(...shards.map((shard) => shard.bytes)),
      };
    }),
  );
}
