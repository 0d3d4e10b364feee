// Reads a behaviors file in its own process, so that its peak RSS is the
// reader's alone, and prints one JSON line. `rows` streams the impressions
// with readBehaviors (every news id checked against news.tsv); `samples`
// also builds the fine-tuning sample table from them, as fine-tune does.
// `streamed` makes one epoch of click batches through a shuffle buffer, as
// fine-tune does with shuffleBuffer set, but without its counting pass.
import { dirname } from 'node:path';
import { openMindDataset } from '../framework/data/openMindDataset.ts';
import { readBehaviors } from '../framework/data/readBehaviors.ts';
import { Random } from '../framework/random/Random.ts';
import { fineTuneSampleCount } from '../framework/data/fineTuneSamples.ts';
import { collectFineTuneSamples } from '../framework/training/clickBatches.ts';
import { streamedEpochBatches } from '../framework/training/streamedClickBatches.ts';
import { peakRssMiB } from './lib/peakRss.ts';

/** Samples held by the shuffle buffer of the `streamed` mode. */
const STREAMED_SHUFFLE_BUFFER = 10_000;

const [mode, behaviorsFile, newsFile] = process.argv.slice(2) as ['rows' | 'samples' | 'streamed', string, string];
const dataset = await openMindDataset({ train: dirname(newsFile) });
const started = performance.now();
let rows = 0;
let samples = 0;
let batches = 0;
if (mode === 'rows') {
  for await (const impression of readBehaviors(behaviorsFile, { isKnownNews: (id) => dataset.corpus.has(id) })) {
    rows += impression.candidates.length > 0 ? 1 : 0;
  }
} else if (mode === 'streamed') {
  const split = {
    name: 'train' as const,
    directory: dirname(behaviorsFile),
    behaviorsFile,
    impressions: async function* () {
      for await (const impression of readBehaviors(behaviorsFile, { isKnownNews: (id) => dataset.corpus.has(id) })) {
        rows += fineTuneSampleCount(impression) > 0 ? 1 : 0;
        yield impression;
      }
    },
  };
  const options = { npratio: 4, historyLength: 50, batchSize: 32, shuffleBuffer: STREAMED_SHUFFLE_BUFFER };
  for await (const batch of streamedEpochBatches(split, dataset.corpus, new Random(1), options)) {
    samples += batch.size;
    batches += 1;
  }
} else {
  const split = {
    name: 'train' as const,
    directory: dirname(behaviorsFile),
    behaviorsFile,
    impressions: () => readBehaviors(behaviorsFile, { isKnownNews: (id) => dataset.corpus.has(id) }),
  };
  const table = await collectFineTuneSamples(split, dataset.corpus, new Random(1), { npratio: 4, historyLength: 50 });
  rows = table.impressionCount;
  samples = table.length;
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ rows, samples, batches, seconds, peakRssMiB: peakRssMiB() })}\n`);
