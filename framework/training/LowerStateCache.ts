import * as tf from '@tensorflow/tfjs';
import type { TransformerNewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import type { TokenMatrix } from '../../components/tokenizer/Tokenizer.ts';
import { selectRows } from '../model/TokenCache.ts';

/**
 * Outputs of the frozen lower part of a news encoder's backbone (embeddings and
 * frozen layers), kept per news article for the whole stage. Frozen layers run
 * without dropout, so the cached states equal what a fresh pass would compute;
 * only the trainable layers are recomputed each step.
 */
export class LowerStateCache {
  /** States of each row at its real (unpadded) positions, [realLength * hidden]. */
  private readonly states = new Map<number, Float32Array>();
  private readonly hidden: number;

  constructor(
    private readonly encoder: TransformerNewsEncoder,
    private readonly matrix: TokenMatrix,
    private readonly chunkSize = 64,
  ) {
    if (!encoder.backbone.lowerIsFrozen) {
      throw new Error('the lower part of this backbone trains (its embeddings are trainable), so its states cannot be cached');
    }
    this.hidden = encoder.backbone.hiddenSize;
  }

  /** Number of articles whose states are cached. */
  get size(): number {
    return this.states.size;
  }

  /** News vectors of the given rows: cached lower states, then the trainable layers, pooling and projection. */
  encode(rows: readonly number[], training: boolean): tf.Tensor2D {
    this.fill(rows);
    const selected = selectRows(this.matrix, rows);
    const length = selected.length;
    const values = new Float32Array(rows.length * length * this.hidden);
    rows.forEach((row, index) => {
      values.set(this.states.get(row) as Float32Array, index * length * this.hidden);
    });
    return tf.tidy(() => {
      const lowerStates = tf.tensor3d(values, [rows.length, length, this.hidden]);
      const attentionMask = tf.tensor2d(selected.attentionMask, [rows.length, length], 'int32');
      return this.encoder.encodeFromLower(lowerStates, attentionMask, training);
    });
  }

  /** Computes and keeps the lower states of the rows not cached yet. Call it outside gradient steps. */
  fill(rows: readonly number[]): void {
    const missing = [...new Set(rows)].filter((row) => !this.states.has(row));
    for (let start = 0; start < missing.length; start += this.chunkSize) {
      const chunk = missing.slice(start, start + this.chunkSize);
      const selected = selectRows(this.matrix, chunk);
      const computed = tf.tidy(() => {
        const inputIds = tf.tensor2d(selected.inputIds, [chunk.length, selected.length], 'int32');
        const attentionMask = tf.tensor2d(selected.attentionMask, [chunk.length, selected.length], 'int32');
        return this.encoder.backbone.applyLower(inputIds, attentionMask).dataSync() as Float32Array;
      });
      chunk.forEach((row, index) => {
        let realLength = 0;
        for (let position = 0; position < selected.length; position++) {
          if (selected.attentionMask[index * selected.length + position] === 1) realLength = position + 1;
        }
        const offset = index * selected.length * this.hidden;
        this.states.set(row, computed.slice(offset, offset + realLength * this.hidden));
      });
    }
  }
}
