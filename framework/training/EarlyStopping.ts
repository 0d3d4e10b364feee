import * as tf from '@tensorflow/tfjs';
import type { TensorToWrite } from '../checkpoint/writeSafetensors.ts';
import type { SafetensorsTensor } from '../checkpoint/readSafetensors.ts';
import type { NamedWeight } from '../model/Module.ts';
import type { Logger } from '../run/Logger.ts';
import type { Recommender } from '../model/Recommender.ts';
import { scoreDevSubset } from './scoreDevSubset.ts';
import type { MetricValues, StageContext } from './StageContext.ts';

/** Settings of evaluation-based early stopping (stage setting `earlyStopping`). */
export interface EarlyStoppingSettings {
  /** 0 turns early stopping off. */
  readonly every: number;
  readonly patience: number;
  readonly impressions: number;
  readonly metric: 'AUC' | 'MRR' | 'nDCG@5' | 'nDCG@10';
}

/** Early stopping's state, kept in training checkpoints; the best weights are saved as tensors. */
export interface EarlyStoppingState {
  readonly best?: { readonly step: number; readonly value: number };
  readonly evaluationsWithoutImprovement: number;
}

const BEST_PREFIX = 'best/';

/**
 * Scores the model on a dev subset every `every` steps, keeps a copy of the
 * weights with the best metric, and signals the stage to stop after `patience`
 * evaluations without improvement. `finish` puts the best weights back.
 */
export class EarlyStopping {
  private best: { step: number; value: number; values: Float32Array[] } | undefined;
  private evaluationsWithoutImprovement = 0;

  constructor(
    private readonly settings: EarlyStoppingSettings,
    private readonly weights: readonly NamedWeight[],
    private readonly evaluate: () => MetricValues,
    private readonly log: Logger,
    private readonly logMetrics: (values: MetricValues, step: number) => void,
  ) {}

  /** Evaluates when due; returns a reason to stop, else undefined. */
  afterStep(step: number): string | undefined {
    if (this.settings.every <= 0 || step % this.settings.every !== 0) return undefined;
    const metrics = this.evaluate();
    const value = metrics[this.settings.metric] ?? Number.NaN;
    this.logMetrics({ [`dev_${this.settings.metric}`]: value }, step);
    if (this.best === undefined || value > this.best.value) {
      this.best = { step, value, values: this.weights.map((weight) => weight.variable.dataSync().slice() as Float32Array) };
      this.evaluationsWithoutImprovement = 0;
      this.log.info(`step ${step}: dev ${this.settings.metric} ${value.toFixed(4)} (best so far)`);
      return undefined;
    }
    this.evaluationsWithoutImprovement += 1;
    this.log.info(
      `step ${step}: dev ${this.settings.metric} ${value.toFixed(4)}, best ${this.best.value.toFixed(4)} at step ${this.best.step} ` +
        `(${this.evaluationsWithoutImprovement}/${this.settings.patience} without improvement)`,
    );
    if (this.evaluationsWithoutImprovement >= this.settings.patience) {
      return `dev ${this.settings.metric} did not improve for ${this.settings.patience} evaluations (best ${this.best.value.toFixed(4)} at step ${this.best.step})`;
    }
    return undefined;
  }

  /** Puts the best weights back, when an evaluation happened. */
  finish(): void {
    if (this.best === undefined) return;
    const { values } = this.best;
    this.weights.forEach((weight, index) => {
      tf.tidy(() => weight.variable.assign(tf.tensor(values[index] as Float32Array, weight.variable.shape)));
    });
    this.log.info(`kept the weights of step ${this.best.step} (dev ${this.settings.metric} ${this.best.value.toFixed(4)})`);
  }

  state(): EarlyStoppingState {
    return {
      ...(this.best === undefined ? {} : { best: { step: this.best.step, value: this.best.value } }),
      evaluationsWithoutImprovement: this.evaluationsWithoutImprovement,
    };
  }

  tensors(): Map<string, TensorToWrite> {
    const tensors = new Map<string, TensorToWrite>();
    this.best?.values.forEach((values, index) => {
      const weight = this.weights[index] as NamedWeight;
      tensors.set(`${BEST_PREFIX}${index}:${weight.name}`, { shape: weight.variable.shape, values });
    });
    return tensors;
  }

  restore(state: EarlyStoppingState, tensors: ReadonlyMap<string, SafetensorsTensor>): void {
    this.evaluationsWithoutImprovement = state.evaluationsWithoutImprovement;
    if (state.best === undefined) {
      this.best = undefined;
      return;
    }
    const values = this.weights.map((weight, index) => {
      const stored = tensors.get(`${BEST_PREFIX}${index}:${weight.name}`);
      if (stored === undefined) throw new Error(`the checkpoint lacks the best weight '${weight.name}' of early stopping`);
      return Float32Array.from(stored.values);
    });
    this.best = { ...state.best, values };
  }
}

/** Early stopping for a fine-tuning stage's model, or undefined when `settings.every` is 0. */
export async function createEarlyStopping(
  context: StageContext,
  model: Recommender,
  settings: { readonly earlyStopping: EarlyStoppingSettings; readonly titleLength: number; readonly historyLength: number },
  metricPrefix = '',
): Promise<EarlyStopping | undefined> {
  const { earlyStopping } = settings;
  if (earlyStopping.every <= 0) return undefined;
  const evaluate = await scoreDevSubset(context, model, {
    impressions: earlyStopping.impressions,
    titleLength: settings.titleLength,
    historyLength: settings.historyLength,
  });
  return new EarlyStopping(earlyStopping, model.trainableWeights(), evaluate, context.log, (values, step) =>
    context.metrics.logStep(Object.fromEntries(Object.entries(values).map(([key, value]) => [metricPrefix + key, value])), step),
  );
}
