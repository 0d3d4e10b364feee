/**
 * Seeded pseudo-random numbers (mulberry32). Every random choice of a run
 * (sampling, shuffling, weight initialisation, dropout seeds) comes from one
 * of these, so a run is repeatable from its recipe seed.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Returns an integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** Returns a 31-bit seed for TensorFlow.js ops that take one (initialisers, dropout). */
  seed(): number {
    return Math.floor(this.next() * 2147483647);
  }

  /** Returns an independent stream derived from this one and a label, e.g. a stage name. */
  fork(label: string): Random {
    let hash = this.seed();
    for (let i = 0; i < label.length; i++) {
      hash = Math.imul(hash ^ label.charCodeAt(i), 2654435761) >>> 0;
    }
    return new Random(hash);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const swap = items[i] as T;
      items[i] = items[j] as T;
      items[j] = swap;
    }
    return items;
  }
}
