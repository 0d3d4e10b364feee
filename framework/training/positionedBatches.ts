import type { DataPosition } from '../checkpoint/TrainingCheckpoint.ts';

/** A batch with its 1-based epoch and its 1-based number within the epoch. */
export interface PositionedBatch<T> {
  readonly epoch: number;
  readonly batch: number;
  readonly value: T;
}

/**
 * Yields the batches of epochs `firstEpoch` to `epochs`, each epoch made by
 * `epochBatches` when it starts (so its shuffle draws from the random stream
 * at the same moment as in a loop over the epochs). Starting after epoch 1 is
 * right only when each epoch's batches do not depend on the epochs before it.
 */
export async function* positionedBatchStream<T>(
  epochs: number,
  epochBatches: (epoch: number) => AsyncIterable<T> | Iterable<T>,
  firstEpoch = 1,
): AsyncGenerator<PositionedBatch<T>> {
  for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
    let batch = 0;
    for await (const value of epochBatches(epoch)) {
      batch += 1;
      yield { epoch, batch, value };
    }
  }
}

/**
 * Consumes batches up to and including the saved position without training
 * on them, so the iterator continues with the batch after a checkpoint.
 */
export async function skipBatchStream<T>(
  batches: AsyncIterator<PositionedBatch<T>>,
  position: Pick<DataPosition, 'epoch' | 'batch'>,
): Promise<void> {
  if (position.batch === 0) return;
  for (;;) {
    const next = await batches.next();
    if (next.done === true) throw dataEndedError(position);
    if (next.value.epoch === position.epoch && next.value.batch === position.batch) return;
  }
}

function dataEndedError(position: Pick<DataPosition, 'epoch' | 'batch'>): Error {
  return new Error(`the data ended before epoch ${position.epoch}, batch ${position.batch} of the checkpoint; the training data changed`);
}

/** Names the impressions of a batch for error messages, at most `limit` of them. */
export function describeImpressions(ids: readonly string[], limit = 20): string {
  const distinct = [...new Set(ids)];
  const shown = distinct.slice(0, limit).join(', ');
  return `batch of impressions ${shown}${distinct.length > limit ? ` and ${distinct.length - limit} more` : ''}`;
}

/** Names the news articles of a title/body batch for error messages, at most `limit` of them. */
export function describeNews(anchors: ArrayLike<number>, corpus: { readonly ids: readonly string[] }, limit = 20): string {
  const ids = Array.from(anchors, (row) => corpus.ids[row] ?? `row ${row}`);
  return `batch of news ${ids.slice(0, limit).join(', ')}${ids.length > limit ? ` and ${ids.length - limit} more` : ''}`;
}
