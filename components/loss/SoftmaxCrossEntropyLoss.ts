import type * as tf from '@tensorflow/tfjs';
import type { ClassificationLoss } from './Loss.ts';
import { crossEntropyPerSample } from './crossEntropyPerSample.ts';
import { reduceLoss } from './reduceLoss.ts';

/** Softmax cross-entropy over C classes with integer labels, the fine-tuning loss of PLM-NR and Tiny-NewsRec. */
export class SoftmaxCrossEntropyLoss implements ClassificationLoss {
  constructor(readonly coef: number) {}

  perSample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
    return crossEntropyPerSample(logits, labels);
  }

  compute(logits: tf.Tensor2D, labels: tf.Tensor1D, sampleMask?: tf.Tensor1D): tf.Scalar {
    const perSample = this.perSample(logits, labels);
    const loss = reduceLoss(perSample, this.coef, sampleMask);
    perSample.dispose();
    return loss;
  }
}
