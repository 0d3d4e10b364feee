import * as tf from '@tensorflow/tfjs';

/** A weight of a module under the name it is saved with (Hugging Face style dotted names). */
export interface NamedWeight {
  readonly name: string;
  readonly variable: tf.Variable;
}

/**
 * Anything that owns trainable weights. Names are local to the module and
 * stable across runs; they are the keys in saved safetensors files.
 * tf.Variable names are left to TensorFlow.js because they must be unique per
 * process, and snapshots and teachers hold many copies of the same module.
 */
export interface Module {
  /** Every weight, frozen ones included, in a fixed order. */
  weights(): NamedWeight[];
  /** The weights the optimiser updates. */
  trainableWeights(): NamedWeight[];
  dispose(): void;
}

/** Counts the scalar parameters of a module. */
export function countParameters(module: Module): number {
  return module.weights().reduce((total, weight) => total + weight.variable.size, 0);
}
