import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../model/Module.ts';

/** A loss to minimise and the named parts it is made of (logged per step). */
export interface LossTerms {
  readonly total: tf.Scalar;
  readonly parts: Readonly<Record<string, tf.Scalar>>;
}

/**
 * One optimisation step: computes the loss, its gradients for the given
 * weights, applies them and returns the loss and its parts as numbers. Every
 * tensor the step creates is disposed before it returns.
 */
export function trainStep(
  optimizer: tf.Optimizer,
  weights: readonly NamedWeight[],
  computeLoss: () => LossTerms,
): Record<string, number> {
  if (weights.length === 0) {
    throw new Error('nothing to train: every weight of the model is frozen');
  }
  const variables = weights.map((weight) => weight.variable);
  const kept: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const terms = computeLoss();
    for (const [name, part] of Object.entries(terms.parts)) {
      kept[name] = tf.keep(part);
    }
    return terms.total;
  }, variables);
  optimizer.applyGradients(grads);

  const values: Record<string, number> = { loss: (value.dataSync() as Float32Array)[0] as number };
  for (const [name, part] of Object.entries(kept)) {
    values[name] = (part.dataSync() as Float32Array)[0] as number;
  }
  value.dispose();
  tf.dispose(Object.values(grads));
  tf.dispose(Object.values(kept));
  return values;
}

/** One part of a batch in an accumulated step: its share of the batch's mean loss and how to compute its loss. */
export interface StepPart {
  /** The part's samples divided by the batch's, so the weighted part losses sum to the batch's mean loss. */
  readonly share: number;
  /** Fills caches outside the gradient tape before the part's forward pass. */
  readonly prepare?: () => void;
  readonly computeLoss: () => LossTerms;
}

/**
 * Runs one optimisation step over a batch split into parts (gradient
 * accumulation): the gradients of each part's loss, weighted by its share,
 * are summed and applied once. For a mean loss this is the gradient of the
 * whole batch up to float rounding, while only one part's activations are
 * held at a time. Returns the share-weighted loss and parts as numbers.
 */
export function accumulatedTrainStep(
  optimizer: tf.Optimizer,
  weights: readonly NamedWeight[],
  parts: readonly StepPart[],
): Record<string, number> {
  if (weights.length === 0) {
    throw new Error('nothing to train: every weight of the model is frozen');
  }
  const variables = weights.map((weight) => weight.variable);
  const sums: Record<string, tf.Tensor> = {};
  const values: Record<string, number> = {};
  for (const part of parts) {
    part.prepare?.();
    const kept: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const terms = part.computeLoss();
      for (const [name, term] of Object.entries(terms.parts)) {
        kept[name] = tf.keep(term);
      }
      return tf.mul(terms.total, part.share) as tf.Scalar;
    }, variables);
    for (const [name, gradient] of Object.entries(grads)) {
      const previous = sums[name];
      if (previous === undefined) {
        sums[name] = gradient;
      } else {
        sums[name] = tf.add(previous, gradient);
        previous.dispose();
        gradient.dispose();
      }
    }
    values.loss = (values.loss ?? 0) + ((value.dataSync() as Float32Array)[0] as number);
    for (const [name, term] of Object.entries(kept)) {
      values[name] = (values[name] ?? 0) + part.share * ((term.dataSync() as Float32Array)[0] as number);
    }
    value.dispose();
    tf.dispose(Object.values(kept));
  }
  optimizer.applyGradients(sums as tf.NamedTensorMap);
  tf.dispose(Object.values(sums));
  return values;
}
