import * as tf from '@tensorflow/tfjs';
import { selectRows } from '../../framework/model/TokenCache.ts';
import type { NewsInput, TokenBatch } from './NewsEncoder.ts';

/**
 * Runs `encode` on the token ids of the input's text field for its rows, cut
 * to the longest text among them. For encoders that read one text per article.
 */
export function encodeTokenRows(input: NewsInput, encode: (tokens: TokenBatch) => tf.Tensor2D): tf.Tensor2D {
  const selected = selectRows(input.features.tokens(input.field, input.length), input.rows);
  return tf.tidy(() => {
    const inputIds = tf.tensor2d(selected.inputIds, [selected.count, selected.length], 'int32');
    const attentionMask = tf.tensor2d(selected.attentionMask, [selected.count, selected.length], 'int32');
    return encode({ inputIds, attentionMask });
  });
}
