import type { FineTuneSample } from './fineTuneSamples.ts';
import { NewsIndexer } from './NewsIndexer.ts';
import { PADDING_NEWS } from './padHistory.ts';

/**
 * Fine-tuning samples gathered for one step. Candidates and history refer to
 * positions in `news`, the distinct corpus indices of the batch, so each
 * article is encoded once. Padded history slots refer to position
 * `news.length` (one past the end) and have mask 0: append a padding vector
 * to the encoded news, then gather.
 */
export interface FineTuneBatch {
  readonly size: number;
  /** Distinct corpus indices, in first-seen order. */
  readonly news: number[];
  /** 1 + npratio, the candidates per sample. */
  readonly candidateCount: number;
  readonly historyLength: number;
  /** Row-major [size, candidateCount] positions into `news`, the clicked one first. */
  readonly candidates: Int32Array;
  /** Row-major [size, historyLength] positions into `news`, or `news.length` for padding. */
  readonly history: Int32Array;
  /** Row-major [size, historyLength], 1 for a real click and 0 for padding. */
  readonly historyMask: Float32Array;
  /** The target class of each sample, always 0 because the clicked candidate comes first. */
  readonly labels: Int32Array;
}

/** Groups samples of equal shape into one batch; raises an error when shapes differ or the list is empty. */
export function batchFineTuneSamples(samples: readonly FineTuneSample[]): FineTuneBatch {
  const first = samples[0];
  if (first === undefined) {
    throw new Error('cannot batch an empty list of fine-tuning samples');
  }
  const candidateCount = first.candidates.length;
  const historyLength = first.history.length;
  const indexer = new NewsIndexer();
  const candidates = new Int32Array(samples.length * candidateCount);
  const historyNews: number[] = new Array<number>(samples.length * historyLength);
  const historyMask = new Float32Array(samples.length * historyLength);

  samples.forEach((sample, row) => {
    if (sample.candidates.length !== candidateCount || sample.history.length !== historyLength) {
      throw new Error(
        `fine-tuning samples in one batch must have the same shape, got ${sample.candidates.length} candidates and ` +
          `${sample.history.length} history slots in impression ${sample.impressionId}, expected ${candidateCount} and ${historyLength}`,
      );
    }
    sample.candidates.forEach((news, column) => {
      candidates[row * candidateCount + column] = indexer.position(news);
    });
    sample.history.forEach((news, column) => {
      // Padding is resolved after the loop, once the number of distinct news is known.
      historyNews[row * historyLength + column] = news === PADDING_NEWS ? PADDING_NEWS : indexer.position(news);
      historyMask[row * historyLength + column] = sample.historyMask[column] as number;
    });
  });

  const padPosition = indexer.news.length;
  const history = Int32Array.from(historyNews, (position) => (position === PADDING_NEWS ? padPosition : position));
  return {
    size: samples.length,
    news: indexer.news,
    candidateCount,
    historyLength,
    candidates,
    history,
    historyMask,
    labels: new Int32Array(samples.length),
  };
}
