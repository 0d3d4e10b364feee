import type { Random } from '../random/Random.ts';

/**
 * Shuffles a stream approximately with a buffer of `bufferSize` items. Each
 * item is emitted from a random slot of the buffer, so memory stays bounded
 * while the order is mixed over a window. The Tiny-NewsRec code shuffles its
 * streamed training data the same way, with a buffer of 10,000.
 */
export async function* shuffleBuffered<T>(source: AsyncIterable<T> | Iterable<T>, bufferSize: number, random: Random): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const item of source) {
    if (buffer.length < bufferSize) {
      buffer.push(item);
      continue;
    }
    const slot = random.int(bufferSize);
    yield buffer[slot] as T;
    buffer[slot] = item;
  }
  random.shuffle(buffer);
  yield* buffer;
}
