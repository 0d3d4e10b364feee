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
