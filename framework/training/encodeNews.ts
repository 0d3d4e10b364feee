import * as tf from '@tensorflow/tfjs';
import type { NewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import type { TokenMatrix } from '../../components/tokenizer/Tokenizer.ts';
import { selectRows } from '../model/TokenCache.ts';

/** News vectors [rows.length, size] for the given corpus rows of a token matrix. */
export function encodeNewsRows(
  encoder: NewsEncoder,
  matrix: TokenMatrix,
  rows: readonly number[],
  training: boolean,
): tf.Tensor2D {
  const selected = selectRows(matrix, rows);
  return tf.tidy(() => {
    const inputIds = tf.tensor2d(selected.inputIds, [selected.count, selected.length], 'int32');
    const attentionMask = tf.tensor2d(selected.attentionMask, [selected.count, selected.length], 'int32');
    return encoder.encode({ inputIds, attentionMask }, training);
  });
}

/**
 * Encodes many rows in chunks without gradients and returns them as one
 * Float32Array (row-major, rows.length x size). Used where weights are fixed:
 * evaluation and teachers during distillation.
 */
export function encodeNewsRowsToArray(
  encoder: NewsEncoder,
  matrix: TokenMatrix,
  rows: readonly number[],
  chunkSize: number,
): Float32Array {
  const output = new Float32Array(rows.length * encoder.outputSize);
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const vectors = encodeNewsRows(encoder, matrix, chunk, false);
    output.set(vectors.dataSync() as Float32Array, start * encoder.outputSize);
    vectors.dispose();
  }
  return output;
}

/**
 * The distinct rows of a batch and, for every position, the index of its row
 * among them, so that each news article is encoded once per batch.
 */
export function distinctRows(rows: ArrayLike<number>): { distinct: number[]; positions: Int32Array } {
  const indexOf = new Map<number, number>();
  const distinct: number[] = [];
  const positions = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    let index = indexOf.get(row);
    if (index === undefined) {
      index = distinct.length;
      indexOf.set(row, index);
      distinct.push(row);
    }
    positions[i] = index;
  }
  return { distinct, positions };
}
