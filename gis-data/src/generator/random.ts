import seedrandom from "seedrandom";

/** A seeded random stream. Every part of the generator forks its own stream so that
 * changing how one part draws numbers does not reshuffle the others. */
export interface Rng {
  readonly seed: string;
  next(): number;
  range(min: number, max: number): number;
  int(min: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  pickWeighted<T>(items: readonly { value: T; weight: number }[]): T;
  shuffle<T>(items: readonly T[]): T[];
  fork(label: string): Rng;
}

export function createRng(seed: string): Rng {
  const prng = seedrandom(seed);
  const next = (): number => prng.double();
  const rng: Rng = {
    seed,
    next,
    range: (min, max) => min + (max - min) * next(),
    int: (min, maxInclusive) => min + Math.floor(next() * (maxInclusive - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick() needs at least one item");
      return items[Math.floor(next() * items.length)]!;
    },
    pickWeighted: (items) => {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let r = next() * total;
      for (const item of items) {
        r -= item.weight;
        if (r < 0) return item.value;
      }
      const last = items.at(-1);
      if (!last) throw new RangeError("pickWeighted() needs at least one item");
      return last.value;
    },
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
    fork: (label) => createRng(`${seed}/${label}`),
  };
  return rng;
}
