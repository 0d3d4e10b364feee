import * as tf from '@tensorflow/tfjs';
import { isTransformerNewsEncoder, type NewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import type { NewsFeatures, NewsField } from '../model/NewsFeatures.ts';
import { LowerStateCache } from './LowerStateCache.ts';

/**
 * Encodes corpus rows into news vectors [rows.length, size]. `prepare` fills
 * caches for rows about to be encoded. Call it before a gradient step, because
 * work done inside the step is recorded on the gradient tape and keeps all its
 * intermediate tensors alive until the step ends.
 */
export type RowEncoder = ((rows: readonly number[], training: boolean) => tf.Tensor2D) & {
  readonly prepare: (rows: ArrayLike<number>) => void;
};

function withoutPreparation(encode: (rows: readonly number[], training: boolean) => tf.Tensor2D): RowEncoder {
  return Object.assign(encode, { prepare: () => {} });
}

/** The articles' features and the text field (with its token length) a stage encodes them by. */
export interface NewsSource {
  readonly features: NewsFeatures;
  readonly field: NewsField;
  readonly length: number;
}

/** Options that let a row encoder save work. Neither changes the results beyond float rounding. */
export interface RowEncoderOptions {
  /**
   * Run the frozen lower part of the backbone once per article and reuse it
   * (frozen layers use no dropout). Only encoders with a backbone have one.
   */
  readonly cacheFrozenLayers: boolean;
  /**
   * Encode rows in groups of this many articles of similar length, each group cut
   * to its own longest text, so short titles are not padded to the longest of the
   * batch (0 encodes all rows as one group).
   */
  readonly lengthBucketSize: number;
}

/** Creates a row encoder for one news encoder and news source. */
export function createRowEncoder(encoder: NewsEncoder, source: NewsSource, options: RowEncoderOptions): RowEncoder {
  let encodeGroup: RowEncoder = withoutPreparation((rows, training) => encodeNewsRows(encoder, source, rows, training));
  if (options.cacheFrozenLayers && isTransformerNewsEncoder(encoder) && encoder.backbone.lowerIsFrozen) {
    const cache = new LowerStateCache(encoder, source.features.tokens(source.field, source.length));
    encodeGroup = Object.assign((rows: readonly number[], training: boolean) => cache.encode(rows, training), {
      prepare: (rows: ArrayLike<number>) => cache.fill(Array.from(rows)),
    });
  }
  if (options.lengthBucketSize <= 0) {
    return encodeGroup;
  }
  const encodeBuckets = (rows: readonly number[], training: boolean) =>
    encodeInLengthBuckets(source, rows, options.lengthBucketSize, (group) => encodeGroup(group, training));
  return Object.assign(encodeBuckets, { prepare: encodeGroup.prepare });
}

/**
 * Encodes rows sorted by the length of their text in groups of bucketSize,
 * then puts the vectors back in the order of `rows`. Gradients flow through
 * the reordering.
 */
export function encodeInLengthBuckets(
  source: NewsSource,
  rows: readonly number[],
  bucketSize: number,
  encodeGroup: (group: readonly number[]) => tf.Tensor2D,
): tf.Tensor2D {
  if (rows.length <= bucketSize) {
    return encodeGroup(rows);
  }
  const matrix = source.features.tokens(source.field, source.length);
  const lengths = rows.map((row) => realLength(matrix, row));
  const order = rows.map((_, index) => index).sort((a, b) => (lengths[a] as number) - (lengths[b] as number));
  const positionInSorted = new Int32Array(rows.length);
  order.forEach((original, sorted) => {
    positionInSorted[original] = sorted;
  });
  return tf.tidy(() => {
    const groups: tf.Tensor2D[] = [];
    for (let start = 0; start < order.length; start += bucketSize) {
      groups.push(encodeGroup(order.slice(start, start + bucketSize).map((index) => rows[index] as number)));
    }
    return tf.gather(tf.concat(groups, 0), tf.tensor1d(positionInSorted, 'int32'));
  });
}

/** Number of real (unpadded) tokens of one row of a token matrix. */
export function realLength(matrix: { readonly length: number; readonly attentionMask: Int32Array }, row: number): number {
  const offset = row * matrix.length;
  let length = 0;
  for (let position = 0; position < matrix.length; position++) {
    if (matrix.attentionMask[offset + position] === 1) length = position + 1;
  }
  return length;
}

/** News vectors [rows.length, size] for the given corpus rows. */
export function encodeNewsRows(encoder: NewsEncoder, source: NewsSource, rows: readonly number[], training: boolean): tf.Tensor2D {
  return encoder.encodeNews({ ...source, rows }, training);
}

/**
 * Encodes many rows in chunks without gradients and returns them as one
 * Float32Array (row-major, rows.length x size). Used where weights are fixed:
 * evaluation and teachers during distillation.
 */
export function encodeNewsRowsToArray(
  encoder: NewsEncoder,
  source: NewsSource,
  rows: readonly number[],
  chunkSize: number,
): Float32Array {
  const output = new Float32Array(rows.length * encoder.outputSize);
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const vectors = encodeNewsRows(encoder, source, chunk, false);
    output.set(vectors.dataSync() as Float32Array, start * encoder.outputSize);
    vectors.dispose();
  }
  return output;
}

/**
 * Returns the distinct rows of a batch and, for every position, the index of its row
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
