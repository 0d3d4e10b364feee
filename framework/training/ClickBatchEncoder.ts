import * as tf from '@tensorflow/tfjs';
import type { Recommender } from '../model/Recommender.ts';
import { clickForward, encodeUsers, rowsOfClickBatch, type ClickBatch, type ClickForward } from './clickForward.ts';
import { createRowEncoder, distinctRows, type NewsSource, type RowEncoder, type RowEncoderOptions } from './encodeNews.ts';

/** The click-task settings that decide how a batch's news are encoded. */
export interface ClickEncodingOptions extends RowEncoderOptions {
  /** Encode each distinct article of a batch once and gather its vector for every place it occurs (exact). */
  readonly dedupeNews: boolean;
  /**
   * Take history news vectors from a cache whose entries may be up to this many
   * steps old, computed in inference mode and without gradient, and encode only
   * the candidates in the gradient step (0: off, every history article is
   * encoded with gradient each step). Changes results: history vectors lag the
   * weights, and the news encoder learns from candidates only.
   */
  readonly staleHistorySteps: number;
}

/**
 * Encodes the news of click batches for one trained model. `prepare` fills
 * caches for the next batch and must run outside the gradient step; `forward`
 * runs inside it.
 */
export class ClickBatchEncoder {
  readonly rows: RowEncoder;
  private readonly history: StaleHistoryVectors | undefined;

  constructor(
    private readonly model: Recommender,
    source: NewsSource,
    private readonly options: ClickEncodingOptions,
  ) {
    this.rows = createRowEncoder(model.newsEncoder, source, options);
    this.history =
      options.staleHistorySteps > 0
        ? new StaleHistoryVectors(source.features.size, model.newsEncoder.outputSize, options.staleHistorySteps, this.rows)
        : undefined;
  }

  /** Fills the caches the batch's forward pass reads; call it before the gradient step. */
  prepare(batch: ClickBatch): void {
    if (this.history === undefined) {
      this.rows.prepare(rowsOfClickBatch(batch));
      return;
    }
    this.rows.prepare(batch.candidates);
    this.history.refresh(batch.histories);
  }

  /** Scores the batch; must run inside tf.tidy or a gradient function. */
  forward(batch: ClickBatch, training: boolean): ClickForward {
    if (this.history === undefined && this.options.dedupeNews) {
      return clickForward(this.model, this.rows, batch, training);
    }
    const size = this.model.newsEncoder.outputSize;
    const candidateRows = batch.candidates;
    let historyVectors: tf.Tensor3D;
    let candidateVectors: tf.Tensor3D;
    if (this.history !== undefined) {
      candidateVectors = this.encode(candidateRows, training, [batch.size, batch.candidateCount, size]);
      historyVectors = tf.tensor3d(this.history.vectorsOf(batch.histories), [batch.size, batch.historyLength, size]);
    } else {
      // Every history slot and candidate encoded on its own, repeats included.
      const rows = new Int32Array(batch.histories.length + candidateRows.length);
      rows.set(batch.histories);
      rows.set(candidateRows, batch.histories.length);
      const firstReal = rows.find((row) => row >= 0) ?? 0;
      for (let i = 0; i < rows.length; i++) if ((rows[i] as number) < 0) rows[i] = firstReal;
      const vectors = this.rows(Array.from(rows), training);
      historyVectors = tf.reshape(tf.slice(vectors, [0, 0], [batch.histories.length, size]), [batch.size, batch.historyLength, size]);
      candidateVectors = tf.reshape(tf.slice(vectors, [batch.histories.length, 0], [candidateRows.length, size]), [
        batch.size,
        batch.candidateCount,
        size,
      ]);
    }
    const users = encodeUsers(this.model, batch, historyVectors, training);
    return { scores: this.model.score(candidateVectors, users), candidateVectors, users };
  }

  private encode(rows: Int32Array, training: boolean, shape: [number, number, number]): tf.Tensor3D {
    if (!this.options.dedupeNews) {
      return tf.reshape(this.rows(Array.from(rows), training), shape);
    }
    const { distinct, positions } = distinctRows(rows);
    return tf.reshape(tf.gather(this.rows(distinct, training), tf.tensor1d(positions, 'int32')), shape);
  }
}

/**
 * History news vectors reused for up to `maxAge` steps (SpeedyFeed, Xiao et
 * al. 2022, reuses cached news vectors for user histories the same way). Each
 * `refresh` is one step: rows whose vector is missing or `maxAge` steps old
 * are encoded again in inference mode.
 */
export class StaleHistoryVectors {
  private readonly vectors: Float32Array;
  /** Step at which each row's vector was computed; -1 for never. */
  private readonly computedAt: Int32Array;
  private step = 0;
  /** Rows encoded so far, for reports. */
  encodedCount = 0;

  constructor(
    rowCount: number,
    private readonly size: number,
    private readonly maxAge: number,
    private readonly encode: RowEncoder,
    private readonly chunkSize = 64,
  ) {
    this.vectors = new Float32Array(rowCount * size);
    this.computedAt = new Int32Array(rowCount).fill(-1);
  }

  /** Advances one step and re-encodes the rows of `rows` (padding -1 skipped) whose vectors are too old. */
  refresh(rows: ArrayLike<number>): void {
    this.step += 1;
    const expired: number[] = [];
    const queued = new Set<number>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      if (row < 0 || queued.has(row)) continue;
      const computedAt = this.computedAt[row] as number;
      if (computedAt < 0 || this.step - computedAt >= this.maxAge) {
        queued.add(row);
        expired.push(row);
      }
    }
    this.encode.prepare(expired);
    for (let start = 0; start < expired.length; start += this.chunkSize) {
      const chunk = expired.slice(start, start + this.chunkSize);
      const values = tf.tidy(() => this.encode(chunk, false).dataSync() as Float32Array);
      chunk.forEach((row, index) => {
        this.vectors.set(values.subarray(index * this.size, (index + 1) * this.size), row * this.size);
        this.computedAt[row] = this.step;
      });
    }
    this.encodedCount += expired.length;
  }

  /** Vectors of the given rows, row-major; padding (-1) gets zeros, which the history mask hides. */
  vectorsOf(rows: ArrayLike<number>): Float32Array {
    const output = new Float32Array(rows.length * this.size);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      if (row >= 0) output.set(this.vectors.subarray(row * this.size, (row + 1) * this.size), i * this.size);
    }
    return output;
  }
}
