import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBenchSetup, type BenchSetup } from '../../bench/lib/benchSetup.ts';
import { collectFineTuneSamples } from '../../framework/training/clickBatches.ts';
import { ClickBatchEncoder, type ClickEncodingOptions } from '../../framework/training/ClickBatchEncoder.ts';
import type { ClickBatch } from '../../framework/training/clickForward.ts';
import { newsSource } from '../../framework/training/newsSource.ts';
import { Random } from '../../framework/random/Random.ts';
import type { Recommender } from '../../framework/model/Recommender.ts';
import { MIND_SAMPLE } from '../data/mindSample.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const EXACT: ClickEncodingOptions = { cacheFrozenLayers: true, lengthBucketSize: 32, dedupeNews: true, staleHistorySteps: 0 };

function scores(encoder: ClickBatchEncoder, batch: ClickBatch): Float32Array {
  encoder.prepare(batch);
  return tf.tidy(() => encoder.forward(batch, false).scores.dataSync() as Float32Array);
}

describe('click batch encoder', () => {
  let setup: BenchSetup;
  let model: Recommender;
  let batch: ClickBatch;

  beforeAll(async () => {
    setup = await openBenchSetup(
      {
        quick: true,
        root: ROOT,
        mindDirectory: MIND_SAMPLE,
        checkpoint: join(ROOT, '.cache', 'checkpoints', 'all-MiniLM-L6-v2'),
        python: 'python3',
        cacheDirectory: join(ROOT, '.cache', 'bench'),
        log: () => {},
      },
      {},
    );
    model = await setup.model('tiny');
    model.newsEncoder.setTrainable?.({ layers: 1, embeddings: false });
    const split = setup.dataset.split('train');
    if (split === undefined) throw new Error('mind-sample has no train split');
    const samples = await collectFineTuneSamples(split, setup.dataset.corpus, new Random(3), { npratio: 4, historyLength: 50 });
    batch = samples.batch([0, 1, 2, 3, 4, 5]);
  }, 120_000);

  it('gives the same scores with every exact speed-up off', () => {
    const source = newsSource(setup.tokens, model, 'title', 30);
    const fast = scores(new ClickBatchEncoder(model, source, EXACT), batch);
    const slow = scores(new ClickBatchEncoder(model, source, { cacheFrozenLayers: false, lengthBucketSize: 0, dedupeNews: false, staleHistorySteps: 0 }), batch);
    expect(fast.length).toBe(batch.size * batch.candidateCount);
    for (let i = 0; i < fast.length; i++) {
      expect(Math.abs((fast[i] as number) - (slow[i] as number)), `score ${i}`).toBeLessThan(1e-4);
    }
  });

  it('matches fresh vectors when history is refreshed every step', () => {
    const source = newsSource(setup.tokens, model, 'title', 30);
    const fresh = scores(new ClickBatchEncoder(model, source, EXACT), batch);
    const stale = scores(new ClickBatchEncoder(model, source, { ...EXACT, staleHistorySteps: 1 }), batch);
    for (let i = 0; i < fresh.length; i++) {
      expect(Math.abs((fresh[i] as number) - (stale[i] as number)), `score ${i}`).toBeLessThan(1e-4);
    }
  });

  it('re-encodes history only after staleHistorySteps steps', () => {
    const source = newsSource(setup.tokens, model, 'title', 30);
    const encoder = new ClickBatchEncoder(model, source, { ...EXACT, staleHistorySteps: 3 });
    const history = (encoder as unknown as { history: { encodedCount: number } }).history;
    const distinctHistory = new Set(Array.from(batch.histories).filter((row) => row >= 0)).size;
    encoder.prepare(batch);
    expect(history.encodedCount).toBe(distinctHistory);
    encoder.prepare(batch);
    encoder.prepare(batch);
    expect(history.encodedCount).toBe(distinctHistory);
    encoder.prepare(batch);
    expect(history.encodedCount).toBe(2 * distinctHistory);
  });
});
