import { UserError } from '../run/UserError.ts';

/** Settings of the divergence stop (stage setting `divergence`). */
export interface DivergenceSettings {
  /** 0 turns the stop off. */
  readonly factor: number;
  readonly patience: number;
  readonly window: number;
}

/** The guard's state, kept in training checkpoints. */
export interface LossGuardState {
  readonly lastFinite?: { readonly step: number; readonly value: number };
  readonly recent: readonly number[];
  readonly bestMean?: number;
  readonly stepsAbove: number;
}

/** Raised when a training loss is NaN or infinite; the stage stops there. */
export class NonFiniteLossError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/**
 * Watches the loss of every step. A NaN or infinite loss raises a
 * NonFiniteLossError naming the step, the batch and the last finite loss. When
 * `divergence.factor` is set, a loss that stays above factor times the best
 * running mean (over `window` steps) for `patience` steps in a row makes the
 * stage stop early.
 */
export class LossGuard {
  private lastFinite: { step: number; value: number } | undefined;
  private recent: number[] = [];
  private bestMean: number | undefined;
  private stepsAbove = 0;

  constructor(
    private readonly stage: string,
    private readonly settings: DivergenceSettings,
  ) {}

  /**
   * Checks one step's loss; returns a reason to stop when the loss diverged, else undefined.
   * `describeBatch` names what the batch was made of, such as its impression ids.
   */
  check(step: number, loss: number, describeBatch: () => string): string | undefined {
    if (!Number.isFinite(loss)) {
      const last = this.lastFinite === undefined ? 'no earlier step had a finite loss' : `last finite loss ${this.lastFinite.value} at step ${this.lastFinite.step}`;
      throw new NonFiniteLossError(
        `stage ${this.stage}: the loss is ${loss} at step ${step} (${describeBatch()}); ${last}. ` +
          'Lower the learning rate, set optimizer.maxGradientNorm, or check the data of this batch',
      );
    }
    this.lastFinite = { step, value: loss };
    const { factor, patience, window } = this.settings;
    if (factor <= 0) return undefined;

    const limit = this.bestMean === undefined ? undefined : factor * this.bestMean;
    this.stepsAbove = limit !== undefined && loss > limit ? this.stepsAbove + 1 : 0;
    this.recent.push(loss);
    if (this.recent.length > window) this.recent.shift();
    if (this.recent.length === window) {
      const mean = this.recent.reduce((sum, value) => sum + value, 0) / window;
      if (this.bestMean === undefined || mean < this.bestMean) this.bestMean = mean;
    }
    if (this.stepsAbove >= patience && limit !== undefined) {
      return (
        `the loss stayed above ${factor} x the best running mean ${this.bestMean?.toPrecision(4)} (limit ${limit.toPrecision(4)}) ` +
        `for ${this.stepsAbove} steps; last loss ${loss.toPrecision(4)} at step ${step}`
      );
    }
    return undefined;
  }

  state(): LossGuardState {
    return {
      ...(this.lastFinite === undefined ? {} : { lastFinite: { ...this.lastFinite } }),
      recent: [...this.recent],
      ...(this.bestMean === undefined ? {} : { bestMean: this.bestMean }),
      stepsAbove: this.stepsAbove,
    };
  }

  restore(state: LossGuardState): void {
    this.lastFinite = state.lastFinite === undefined ? undefined : { ...state.lastFinite };
    this.recent = [...state.recent];
    this.bestMean = state.bestMean;
    this.stepsAbove = state.stepsAbove;
  }
}
