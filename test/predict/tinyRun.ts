import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../framework/cli/main.ts';
import { MIND_SAMPLE } from '../data/mindSample.ts';

/** Output of one CLI call with captured streams. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (chunk: string) => ((stdout += chunk), true) },
    stderr: { write: (chunk: string) => ((stderr += chunk), true) },
  } as never);
  return { code, stdout, stderr };
}

/** Title and history lengths of the tiny recipe's evaluate stage; predict must use the same. */
export const TINY_TITLE_LENGTH = 12;
export const TINY_HISTORY_LENGTH = 5;

/**
 * Writes a recipe with the whole Tiny-NewsRec graph at toy size (random
 * 16-wide encoders, a vocabulary built from the MIND sample, two steps per
 * stage) and returns its path. It runs in well under a minute on 2 cores.
 */
export function writeTinyRecipe(name = 'tiny-run'): string {
  const directory = mkdtempSync(join(tmpdir(), `newsrec-${name}-`));
  const file = join(directory, 'tiny.yaml');
  const model = (layers: number) => `
    tokenizer: { type: wordpiece, build: { vocabularySize: 400 } }
    newsEncoder:
      type: plm
      backbone: { type: bert, hiddenSize: 16, layers: ${layers}, heads: 2, intermediateSize: 32 }
      pooling: { type: additive-attention, queryVectorSize: 8 }
      outputSize: 16
    userEncoder: { type: additive-attention, queryVectorSize: 8 }
    clickPredictor: { type: dot }`;
  const shared = `batchSize: 4
    titleLength: ${TINY_TITLE_LENGTH}
    logEvery: 1`;
  writeFileSync(
    file,
    `name: ${name}
seed: 5
backend: wasm
output: { directory: ${JSON.stringify(join(directory, 'runs'))} }
data:
  type: mind
  train: ${JSON.stringify(join(MIND_SAMPLE, 'train'))}
  dev: ${JSON.stringify(join(MIND_SAMPLE, 'dev'))}
models:
  teacher:${model(2)}
  student:${model(1)}
stages:
  post-train:
    type: post-train
    model: teacher
    ${shared}
    bodyLength: 16
    negatives: 2
    snapshots: { count: 2, after: 1, every: 1 }
  distill-post-train:
    type: distill-post-train
    student: student
    teachers: post-train.snapshots
    ${shared}
    steps: 3
    bodyLength: 16
    negatives: 2
  fine-tune-teachers:
    type: fine-tune
    models: post-train.snapshots
    ${shared}
    historyLength: ${TINY_HISTORY_LENGTH}
    maxSteps: 2
  distill-fine-tune:
    type: distill-fine-tune
    student: distill-post-train.model
    teachers: fine-tune-teachers.models
    ${shared}
    historyLength: ${TINY_HISTORY_LENGTH}
    maxSteps: 3
  evaluate:
    type: evaluate
    models: [distill-fine-tune.model, fine-tune-teachers.models]
    titleLength: ${TINY_TITLE_LENGTH}
    historyLength: ${TINY_HISTORY_LENGTH}
    throughputSample: 64
`,
  );
  return file;
}

/** The run directory that `experiment run` printed last. */
export function runDirectoryOf(stdout: string): string {
  const match = /run directory: (.+)$/m.exec(stdout);
  if (match === null) throw new Error(`no run directory in output:\n${stdout}`);
  return (match[1] as string).trim();
}
