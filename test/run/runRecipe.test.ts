import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../framework/cli/main.ts';
import { MIND_SAMPLE } from '../data/mindSample.ts';
import { requireMiniLm } from '../model/checkpointDirectory.ts';

/** The whole Tiny-NewsRec graph in miniature: real MIND-sample news, a tiny random teacher, a MiniLM-initialised student. */
function tinyRecipe(directory: string, options: { dev?: boolean } = {}): string {
  const minilm = requireMiniLm();
  const file = join(directory, 'tiny.yaml');
  writeFileSync(
    file,
    `name: tiny
seed: 3
backend: wasm
output: { directory: ${JSON.stringify(join(directory, 'runs'))} }
data:
  type: mind
  train: ${JSON.stringify(join(MIND_SAMPLE, 'train'))}
${options.dev === false ? '' : `  dev: ${JSON.stringify(join(MIND_SAMPLE, 'dev'))}\n`}models:
  teacher:
    tokenizer: { type: wordpiece, checkpoint: ${JSON.stringify(minilm)} }
    newsEncoder:
      type: plm
      backbone: { type: bert, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32 }
      pooling: { type: additive-attention, queryVectorSize: 8 }
      outputSize: 16
    userEncoder: { type: additive-attention, queryVectorSize: 8 }
    clickPredictor: { type: dot }
  student:
    tokenizer: { type: wordpiece, checkpoint: ${JSON.stringify(minilm)} }
    newsEncoder:
      type: plm
      backbone: { type: bert, checkpoint: ${JSON.stringify(minilm)}, layers: 1 }
      pooling: { type: mean }
      outputSize: 8
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
    snapshots: { count: 2, after: 1, every: 1 }
  distill-post-train:
    type: distill-post-train
    student: student
    teachers: post-train.snapshots
    steps: 2
    batchSize: 4
    titleLength: 12
    bodyLength: 16
    negatives: 2
    logEvery: 1
  fine-tune-teachers:
    type: fine-tune
    models: post-train.snapshots
    batchSize: 4
    titleLength: 12
    historyLength: 5
    maxSteps: 2
    logEvery: 1
  distill-fine-tune:
    type: distill-fine-tune
    student: distill-post-train.model
    teachers: fine-tune-teachers.models
    batchSize: 4
    titleLength: 12
    historyLength: 5
    maxSteps: 2
    logEvery: 1
  evaluate:
    type: evaluate
    models: [distill-fine-tune.model, fine-tune-teachers.models]
    titleLength: 12
    historyLength: 5
`,
  );
  return file;
}

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (chunk: string) => ((stdout += chunk), true) },
    stderr: { write: (chunk: string) => ((stderr += chunk), true) },
  } as never);
  return { code, stdout, stderr };
}

function runDirectoryOf(stdout: string): string {
  const match = /run directory: (.+)$/m.exec(stdout);
  if (match === null) throw new Error(`no run directory in output:\n${stdout}`);
  return match[1] as string;
}

const MODELS = ['distill-fine-tune.model', 'fine-tune-teachers.models[0]', 'fine-tune-teachers.models[1]'];

describe('experiment run', () => {
  it('runs the Tiny-NewsRec graph and records the run', { timeout: 240_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'newsrec-run-'));
    const result = await runCli(['run', tinyRecipe(directory)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stage\s+model\s+AUC\s+MRR\s+nDCG@5\s+nDCG@10/);
    expect(result.stdout).toContain('student: bert: loaded 1 of the checkpoint');

    const run = runDirectoryOf(result.stdout);
    const record = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    expect(record.status).toBe('FINISHED');
    expect(record.backend).toBe('wasm');
    expect(Object.keys(record.stages)).toEqual([
      'post-train',
      'distill-post-train',
      'fine-tune-teachers',
      'distill-fine-tune',
      'evaluate',
    ]);
    expect(readFileSync(join(run, 'recipe.yaml'), 'utf8')).toContain('name: tiny');
    const resolved = JSON.parse(readFileSync(join(run, 'recipe.resolved.json'), 'utf8'));
    expect(resolved.stages['post-train'].optimizer).toEqual({ type: 'adam', learningRate: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });

    const final = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    for (const model of MODELS) {
      for (const metric of ['AUC', 'MRR', 'nDCG@5', 'nDCG@10']) {
        const value = final.evaluate[`${model}/${metric}`];
        expect(value, `${model}/${metric}`).toBeGreaterThan(0);
        expect(value, `${model}/${metric}`).toBeLessThanOrEqual(1);
      }
      expect(final.evaluate[`${model}/impressions`]).toBe(1500);
    }

    const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const keys = new Set(steps.map((point) => `${point.stage}:${point.key}`));
    for (const key of [
      'post-train:loss',
      'distill-post-train:distillation_loss',
      'distill-post-train:title_alignment_loss',
      'distill-post-train:body_alignment_loss',
      'distill-post-train:alpha_1',
      'distill-post-train:alpha_2',
      'fine-tune-teachers:model_2/loss',
      'distill-fine-tune:beta_1',
      'distill-fine-tune:user_alignment_loss',
    ]) {
      expect(keys, key).toContain(key);
    }

    for (const saved of ['post-train/snapshot-1', 'post-train/snapshot-2', 'fine-tune-teachers/model-2', 'distill-fine-tune/student']) {
      for (const file of ['config.json', 'model.safetensors', 'vocab.txt', 'news-encoder.safetensors', 'user-encoder.safetensors']) {
        expect(existsSync(join(run, 'stages', saved, file)), `${saved}/${file}`).toBe(true);
      }
    }
    const studentConfig = JSON.parse(readFileSync(join(run, 'stages/distill-fine-tune/student/config.json'), 'utf8'));
    expect(studentConfig.num_hidden_layers).toBe(1);
    expect(studentConfig.hidden_size).toBe(384);
  });

  it('repeats its metrics with the same seed', { timeout: 240_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'newsrec-seed-'));
    const recipe = tinyRecipe(directory);
    const first = await runCli(['run', recipe]);
    // Without the cache every stage runs again, and later stages still read reloaded models as in the first run.
    const second = await runCli(['run', recipe, '--no-cache']);
    expect(second.stdout).not.toMatch(/: cached, reused/);
    const metricsOf = (stdout: string) => JSON.parse(readFileSync(join(runDirectoryOf(stdout), 'metrics.json'), 'utf8')).evaluate;
    const firstMetrics = metricsOf(first.stdout);
    const secondMetrics = metricsOf(second.stdout);
    for (const model of MODELS) {
      expect(secondMetrics[`${model}/AUC`]).toBe(firstMetrics[`${model}/AUC`]);
      expect(secondMetrics[`${model}/MRR`]).toBe(firstMetrics[`${model}/MRR`]);
    }
  });

  it('marks a failed run and keeps what it logged', { timeout: 240_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'newsrec-fail-'));
    const result = await runCli(['run', tinyRecipe(directory, { dev: false })]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('stage evaluate needs the dev split, and the dataset has none (set data.dev)');

    const run = join(directory, 'runs', 'tiny');
    const [runId] = (await import('node:fs')).readdirSync(run);
    const record = JSON.parse(readFileSync(join(run, runId as string, 'run.json'), 'utf8'));
    expect(record.status).toBe('FAILED');
    expect(record.stages['distill-fine-tune'].status).toBe('FINISHED');
    expect(record.stages.evaluate.status).toBe('FAILED');
    expect(existsSync(join(run, runId as string, 'stages/distill-fine-tune/student/model.safetensors'))).toBe(true);
    expect(readFileSync(join(run, runId as string, 'metrics.jsonl'), 'utf8')).toContain('"stage":"distill-fine-tune"');
  });
});
