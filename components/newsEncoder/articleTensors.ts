import * as tf from '@tensorflow/tfjs';
import type { NewsFeatures, NewsField } from '../../framework/model/NewsFeatures.ts';
import { selectRows } from '../../framework/model/TokenCache.ts';
import type { TokenBatch } from './NewsEncoder.ts';

/** Token ids and mask [rows, length] of a text field for some corpus rows, cut to their longest text. */
export function tokenTensors(features: NewsFeatures, field: NewsField, length: number, rows: readonly number[]): TokenBatch {
  const selected = selectRows(features.tokens(field, length), rows);
  return {
    inputIds: tf.tensor2d(selected.inputIds, [selected.count, selected.length], 'int32'),
    attentionMask: tf.tensor2d(selected.attentionMask, [selected.count, selected.length], 'int32'),
  };
}

/** Ids [rows] of a label column (features.categories or features.subcategories). */
export function labelTensor(ids: Int32Array, rows: readonly number[]): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from(rows, (row) => ids[row] as number), 'int32');
}
