// Discord-style snowflake ids. discord.js derives `createdTimestamp` from the id
// and sorts caches by it, so ids must be real snowflakes, not counters.

const DISCORD_EPOCH = 1_420_070_400_000n;

let lastMs = 0n;
let increment = 0n;

/** A fresh snowflake for "now"; strictly increasing within this process. */
export function snowflake(at: number = Date.now()): string {
  let ms = BigInt(at);
  if (ms <= lastMs) {
    // Same (or earlier) millisecond: keep ids monotonic by bumping the counter.
    ms = lastMs;
    increment = (increment + 1n) & 0xfffn;
    if (increment === 0n) ms += 1n;
  } else {
    increment = 0n;
  }
  lastMs = ms;
  // worker 1, process 0: arbitrary but fixed.
  return (((ms - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** Millisecond timestamp encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** ISO8601 timestamp as Discord sends it (with a +00:00 offset). */
export function isoTimestamp(at: number = Date.now()): string {
  return new Date(at).toISOString().replace('Z', '+00:00');
}

/** Random url-safe token, shaped like an interaction token. */
export function randomToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let out = 'aW50ZXJhY3Rpb246';
  for (let i = 0; i < 120; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
