/** Seeded PRNG (mulberry32): the same seed yields the same cluster and the same motion. */
export interface Random {
  next(): number;
  int(min: number, max: number): number;
  range(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** Roughly normal, mean 0, sd 1 (sum of uniforms: cheap and bounded). */
  gauss(): number;
  hex(len: number): string;
}

export function createRandom(seed: number): Random {
  let s = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    range: (min, max) => min + next() * (max - min),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    gauss: () => (next() + next() + next() + next() - 2) * 1.732,
    hex: (len) => {
      let out = "";
      while (out.length < len) out += Math.floor(next() * 16).toString(16);
      return out;
    },
  };
}

/** Stable 32-bit hash of a string, for values that must not depend on generation order. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
