import * as tf from '@tensorflow/tfjs';

/** A gradient with the name of its variable, as tfjs optimizers take them. */
interface NamedGradient {
  name: string;
  tensor: tf.Tensor;
}

/**
 * Adam that first rescales the gradients so that their global L2 norm is at
 * most `maxGradientNorm`, as torch.nn.utils.clip_grad_norm_ does. Clipping
 * happens in applyGradients, so minimize() and callers of applyGradients both get it.
 */
export class ClippedAdamOptimizer extends tf.AdamOptimizer {
  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    private readonly maxGradientNorm: number,
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedGradient[]): void {
    const entries: NamedGradient[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const clipped = tf.tidy(() => {
      const squares = entries.map((entry) => tf.sum(tf.square(entry.tensor)));
      const norm = tf.sqrt(tf.addN(squares));
      // torch adds 1e-6 to the norm so that a zero gradient is not divided by 0.
      const scale = tf.minimum(1, tf.div(this.maxGradientNorm, tf.add(norm, 1e-6)));
      return entries.map((entry) => ({ name: entry.name, tensor: tf.mul(entry.tensor, scale) }));
    });
    super.applyGradients(clipped);
    tf.dispose(clipped.map((entry) => entry.tensor));
  }
}
