/**
 * A small seeded PRNG (mulberry32) for tests whose random choices must be replayable: the same
 * seed gives the same sequence of numbers in [0, 1), in any process.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from the environment variable `name` when it is set (to replay a run), else a fresh one. */
export function seedFrom(name: string): number {
  const given = process.env[name];
  if (given === undefined || given === "") return Math.floor(Math.random() * 2 ** 32);
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`${name}=${given}: expected an integer from 0 to 2^32-1`);
  return seed;
}
