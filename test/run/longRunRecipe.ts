import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIND_SAMPLE } from '../data/mindSample.ts';

/** Sizes of the long-run recipe's fine-tune stage. */
export interface LongRunOptions {
  readonly fineTuneSteps?: number;
  readonly checkpointEvery?: number;
  readonly learningRate?: number;
  /** The recipe's `tracker:` value in YAML flow style (default: the local tracker). */
  readonly tracker?: string;
}

/**
 * Writes a small recipe on the MIND sample (a random 2-layer 16-wide BERT
 * with a vocabulary built from the sample): post-train with 2 snapshots,
 * fine-tune of both snapshots with checkpoints, evaluate. Returns the recipe
 * file and a fresh directory for its runs and caches.
 */
export function writeLongRunRecipe(options: LongRunOptions = {}): { file: string; directory: string } {
  const directory = mkdtempSync(join(tmpdir(), 'newsrec-long-run-'));
  const file = join(directory, 'long.yaml');
  writeFileSync(
    file,
    `name: long-run
seed: 11
backend: wasm
${options.tracker === undefined ? '' : `tracker: ${options.tracker}\n`}output: { directory: ${JSON.stringify(join(directory, 'runs'))} }
data:
  type: mind
  train: ${JSON.stringify(join(MIND_SAMPLE, 'train'))}
  dev: ${JSON.stringify(join(MIND_SAMPLE, 'dev'))}
models:
  teacher:
    tokenizer: { type: wordpiece, build: { vocabularySize: 400 } }
    newsEncoder:
      type: plm
      backbone: { type: bert, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32 }
      pooling: { type: additive-attention, queryVectorSize: 8 }
      outputSize: 16
    userEncoder: { type: additive-attention, queryVectorSize: 8 }
    clickPredictor: { type: dot }
stages:
  post-train:
    type: post-train
    model: teacher
    batchSize: 4
    titleLength: 12
    bodyLength: 16
    negatives: 2
    logEvery: 1
    snapshots: { count: 2, after: 1, every: 2 }
  fine-tune:
    type: fine-tune
    models: post-train.snapshots
    batchSize: 4
    titleLength: 12
    historyLength: 5
    logEvery: 1
    maxSteps: ${options.fineTuneSteps ?? 4}
    checkpointEvery: ${options.checkpointEvery ?? 2}
    optimizer: { type: adam, learningRate: ${options.learningRate ?? 0.001} }
  evaluate:
    type: evaluate
    models: fine-tune.models
    titleLength: 12
    historyLength: 5
    throughputSample: 16
`,
  );
  return { file, directory };
}
