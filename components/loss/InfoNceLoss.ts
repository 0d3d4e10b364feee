import * as tf from '@tensorflow/tfjs';
import type { ClassificationLoss } from './Loss.ts';
import { reduceLoss } from './reduceLoss.ts';

/**
 * InfoNCE over scores [batch, 1 + negatives] with the positive at index 0:
 * -log(exp(y+) / (exp(y+) + sum exp(y-))), the post-training loss of Tiny-NewsRec.
 * Labels are ignored because the positive is always first.
 */
export class InfoNceLoss implements ClassificationLoss {
  constructor(readonly coef: number) {}

  perSample(logits: tf.Tensor2D, _labels?: tf.Tensor1D): tf.Tensor1D {
    return tf.tidy(() => tf.neg(tf.squeeze(tf.slice(tf.logSoftmax(logits), [0, 0], [-1, 1]), [1])) as tf.Tensor1D);
  }

  compute(logits: tf.Tensor2D, _labels?: tf.Tensor1D, sampleMask?: tf.Tensor1D): tf.Scalar {
    const perSample = this.perSample(logits);
    const loss = reduceLoss(perSample, this.coef, sampleMask);
    perSample.dispose();
    return loss;
  }
}
