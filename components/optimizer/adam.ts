import { Type } from '@sinclair/typebox';
import type * as tf from '@tensorflow/tfjs';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';

export const adamOptimizer = defineComponent({
  kind: 'optimizer',
  name: 'adam',
  description: 'Adam (Kingma and Ba, 2015) with the PyTorch defaults that the Tiny-NewsRec code runs with',
  settings: Type.Object({
    learningRate: Type.Number({
      exclusiveMinimum: 0,
      default: 0.0001,
      description: 'Step size (Tiny-NewsRec code: --lr 0.0001 in parameters.py and demo.sh)',
    }),
    beta1: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'Decay of the first-moment estimate (PyTorch default 0.9)' }),
    beta2: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.999, description: 'Decay of the second-moment estimate (PyTorch default 0.999)' }),
    epsilon: Type.Number({
      exclusiveMinimum: 0,
      default: 1e-8,
      description: 'Term added to the denominator (PyTorch default 1e-8; TensorFlow.js would default to 1e-7)',
    }),
    maxGradientNorm: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'Rescale gradients to at most this global L2 norm before each step; no clipping when left out, as in the Tiny-NewsRec code',
      }),
    ),
  }),
  async create(settings): Promise<tf.Optimizer> {
    const { learningRate, beta1, beta2, epsilon, maxGradientNorm } = settings;
    if (maxGradientNorm !== undefined) {
      const { ClippedAdamOptimizer } = await import('./ClippedAdamOptimizer.ts');
      return new ClippedAdamOptimizer(learningRate, beta1, beta2, epsilon, maxGradientNorm);
    }
    const tfjs = await import('@tensorflow/tfjs');
    return tfjs.train.adam(learningRate, beta1, beta2, epsilon);
  },
});
