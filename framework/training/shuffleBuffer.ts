import type { Random } from '../random/Random.ts';

/**
 * Shuffles a stream through a buffer of `size` items, as tf.data's
 * `Dataset.shuffle` does. The first `size` items fill the buffer. Each
 * further item then replaces a uniformly chosen buffered one, which is
 * emitted, and at the end of the stream the buffer is emitted in a random
 * order. So every item is emitted once, and at most `size` are held. An
 * item moves at most `size` places forward, so with a buffer smaller than the
 * stream the order is not a uniform permutation.
 */
export async function* shuffleBuffer<T>(items: AsyncIterable<T> | Iterable<T>, size: number, random: Random): AsyncGenerator<T> {
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`the shuffle buffer size must be a positive integer, got ${size}`);
  }
  const buffer: T[] = [];
  for await (const item of items) {
    if (buffer.length < size) {
      buffer.push(item);
      continue;
    }
    const slot = random.int(size);
    const emitted = buffer[slot] as T;
    buffer[slot] = item;
    yield emitted;
  }
  random.shuffle(buffer);
  yield* buffer;
}
