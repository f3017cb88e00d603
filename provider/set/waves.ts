/**
 * Groups shards, in order, into waves whose estimated tokens add up to at most `limit`: the
 * first shard that would take a wave over the limit starts the next one. Returns each shard's
 * wave (0-based). Every shard fits the limit on its own, because the split keeps each shard
 * within it. Without a limit every shard is in wave 0.
 */
export function planWaves(shardTokens: readonly number[], limit: number | undefined): number[] {
  if (limit === undefined) return shardTokens.map(() => 0);
  const waves: number[] = [];
  let wave = 0;
  let used = 0;
  for (const tokens of shardTokens) {
    if (used > 0 && used + tokens > limit) {
      wave += 1;
      used = 0;
    }
    used += tokens;
    waves.push(wave);
  }
  return waves;
}
