import * as tf from '@tensorflow/tfjs';
import type { Recommender } from '../model/Recommender.ts';
import { distinctRows, type RowEncoder } from './encodeNews.ts';

/**
 * A batch of click samples as corpus rows: histories [size, historyLength]
 * left-padded with -1, candidates [size, candidateCount] with the clicked
 * candidate first when training.
 */
export interface ClickBatch {
  readonly size: number;
  readonly historyLength: number;
  readonly candidateCount: number;
  readonly histories: Int32Array;
  readonly candidates: Int32Array;
  /** User index of each sample [size] (UserIndex.UNKNOWN when the model reads no user ids). */
  readonly users: Int32Array;
  /** Impression of each sample [size], for error messages such as the NaN-loss guard's; absent where scoring builds batches. */
  readonly impressionIds?: readonly string[];
}

/** Tensors of one forward pass of a recommender over a click batch. */
export interface ClickForward {
  /** [size, candidateCount] */
  readonly scores: tf.Tensor2D;
  /** Candidate news vectors [size, candidateCount, newsSize]. */
  readonly candidateVectors: tf.Tensor3D;
  /** [size, newsSize] */
  readonly users: tf.Tensor2D;
}

/** Corpus rows that a click batch reads: real history entries and candidates. */
export function rowsOfClickBatch(batch: ClickBatch): number[] {
  const rows: number[] = [];
  for (const row of batch.histories) {
    if (row >= 0) rows.push(row);
  }
  rows.push(...batch.candidates);
  return rows;
}

/** Builds the history mask of a batch: 1 for a real click, 0 for padding. */
export function historyMask(batch: ClickBatch): tf.Tensor2D {
  const mask = new Float32Array(batch.histories.length);
  batch.histories.forEach((row, index) => {
    mask[index] = row >= 0 ? 1 : 0;
  });
  return tf.tensor2d(mask, [batch.size, batch.historyLength]);
}

/** Runs the model's user encoder, with the batch's user indices when it reads them. */
export function encodeUsers(model: Recommender, batch: ClickBatch, historyVectors: tf.Tensor3D, training: boolean): tf.Tensor2D {
  const users = model.userEncoder.readsUserIds === true ? tf.tensor1d(batch.users, 'int32') : undefined;
  const mask = historyMask(batch);
  // Padding slots hold some other article's vector. Zeroing them makes the vector of a user
  // without clicks (every key masked) independent of the rest of the batch.
  const masked = tf.mul(historyVectors, tf.expandDims(mask, 2)) as tf.Tensor3D;
  return model.userEncoder.encode(masked, mask, training, users);
}

/**
 * Scores a click batch, encoding each distinct news article of the batch once
 * and gathering its vector for every place it occurs (histories and candidates).
 * Must run inside tf.tidy or a gradient function.
 */
export function clickForward(model: Recommender, encodeTitles: RowEncoder, batch: ClickBatch, training: boolean): ClickForward {
  const rows = new Int32Array(batch.histories.length + batch.candidates.length);
  rows.set(batch.histories);
  rows.set(batch.candidates, batch.histories.length);
  // Padding (-1) points at any real row; the mask hides it from the user encoder.
  const firstReal = rows.find((row) => row >= 0) ?? 0;
  for (let i = 0; i < rows.length; i++) {
    if ((rows[i] as number) < 0) rows[i] = firstReal;
  }
  const { distinct, positions } = distinctRows(rows);
  const vectors = encodeTitles(distinct, training);
  const size = model.newsEncoder.outputSize;

  const historyPositions = tf.tensor1d(positions.subarray(0, batch.histories.length), 'int32');
  const candidatePositions = tf.tensor1d(positions.subarray(batch.histories.length), 'int32');
  const historyVectors = tf.reshape(tf.gather(vectors, historyPositions), [batch.size, batch.historyLength, size]) as tf.Tensor3D;
  const candidateVectors = tf.reshape(tf.gather(vectors, candidatePositions), [
    batch.size,
    batch.candidateCount,
    size,
  ]) as tf.Tensor3D;
  const users = encodeUsers(model, batch, historyVectors, training);
  return { scores: model.score(candidateVectors, users), candidateVectors, users };
}

/**
 * Scores a click batch from precomputed news vectors (a frozen model): vectors
 * contains one row per entry of histories followed by one per entry of candidates.
 */
export function clickForwardFromVectors(model: Recommender, batch: ClickBatch, vectorsOf: (rows: Int32Array) => Float32Array): ClickForward {
  const size = model.newsEncoder.outputSize;
  const historyRows = batch.histories.map((row) => Math.max(row, 0));
  const historyVectors = tf.tensor3d(vectorsOf(historyRows), [batch.size, batch.historyLength, size]);
  const candidateVectors = tf.tensor3d(vectorsOf(batch.candidates), [batch.size, batch.candidateCount, size]);
  const users = encodeUsers(model, batch, historyVectors, false);
  return { scores: model.score(candidateVectors, users), candidateVectors, users };
}
