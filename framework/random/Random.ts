/**
 * Seeded pseudo-random numbers (mulberry32). Every random choice of a run
 * (sampling, shuffling, weight initialisation, dropout seeds) comes from one
 * of these, so a run is repeatable from its recipe seed.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
    for (const ledger of openLedgers) ledger.add(this);
  }

  /** The generator's whole state, for checkpoints; assigning it back continues the same sequence. */
  get currentState(): number {
    return this.state;
  }

  set currentState(state: number) {
    this.state = state >>> 0;
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

  /**
   * Returns a stream that depends only on this stream's current state and the
   * label, without advancing this stream. Streams derived from the run's seed
   * this way do not change when other stages run, are skipped or are cached.
   */
  derive(label: string): Random {
    return new Random(this.derivedSeed(label));
  }

  /**
   * Returns the seed of `derive(label)` without creating a stream, so no
   * RandomLedger records it. Assigned to `currentState` of an existing
   * stream, it restarts that stream as the derived one.
   */
  derivedSeed(label: string): number {
    let hash = (this.state ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < label.length; i++) {
      hash = Math.imul(hash ^ label.charCodeAt(i), 2654435761) >>> 0;
    }
    // One mulberry32 round mixes the hash, as next() does, without creating a throwaway stream.
    let t = (hash + 0x6d2b79f5) >>> 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
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

const openLedgers = new Set<RandomLedger>();

/**
 * Records every Random created while it is open, in creation order. A
 * training checkpoint saves the states of all of them (data order, dropout
 * seeds of the trained models, alignment initialisation), and a resumed stage
 * that creates the same streams in the same order gets those states back.
 */
export class RandomLedger {
  private readonly streams: Random[] = [];

  private constructor() {}

  static open(): RandomLedger {
    const ledger = new RandomLedger();
    openLedgers.add(ledger);
    return ledger;
  }

  add(random: Random): void {
    this.streams.push(random);
  }

  get size(): number {
    return this.streams.length;
  }

  states(): number[] {
    return this.streams.map((random) => random.currentState);
  }

  /** Sets the state of every recorded stream; the count must match, or the streams would be paired wrongly. */
  restore(states: readonly number[]): void {
    if (states.length !== this.streams.length) {
      throw new Error(
        `the checkpoint contains ${states.length} random streams, and the resumed stage created ${this.streams.length}; ` +
          'the stage code or its settings changed since the checkpoint was written',
      );
    }
    states.forEach((state, index) => {
      (this.streams[index] as Random).currentState = state;
    });
  }

  close(): void {
    openLedgers.delete(this);
  }
}
