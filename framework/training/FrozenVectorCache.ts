import type { NewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import { encodeNewsRowsToArray, realLength, type NewsSource } from './encodeNews.ts';

/**
 * News vectors of a model whose weights do not change (a teacher during
 * distillation, any model during evaluation), computed the first time a row is
 * asked for and kept. Results are exact: the same rows encoded in inference mode.
 */
export class FrozenVectorCache {
  private readonly vectors: Float32Array;
  private readonly known: Uint8Array;
  readonly size: number;
  /** How many rows have been encoded so far. */
  encodedCount = 0;

  constructor(
    private readonly encoder: NewsEncoder,
    private readonly source: NewsSource,
    private readonly chunkSize = 64,
  ) {
    this.size = encoder.outputSize;
    this.vectors = new Float32Array(source.features.size * this.size);
    this.known = new Uint8Array(source.features.size);
  }

  /** Vectors of the given rows, row-major [rows.length, size]; encodes the rows not seen before. */
  get(rows: ArrayLike<number>): Float32Array {
    const missing: number[] = [];
    const queued = new Set<number>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      if (this.known[row] === 0 && !queued.has(row)) {
        queued.add(row);
        missing.push(row);
      }
    }
    if (missing.length > 0) {
      // Sorted by length, each chunk is cut to a similar length and little padding is encoded.
      const matrix = this.source.features.tokens(this.source.field, this.source.length);
      const lengths = new Map(missing.map((row) => [row, realLength(matrix, row)]));
      missing.sort((a, b) => (lengths.get(a) as number) - (lengths.get(b) as number));
      const encoded = encodeNewsRowsToArray(this.encoder, this.source, missing, this.chunkSize);
      missing.forEach((row, index) => {
        this.vectors.set(encoded.subarray(index * this.size, (index + 1) * this.size), row * this.size);
        this.known[row] = 1;
      });
      this.encodedCount += missing.length;
    }
    const output = new Float32Array(rows.length * this.size);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      output.set(this.vectors.subarray(row * this.size, (row + 1) * this.size), i * this.size);
    }
    return output;
  }
}
