import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors, type SafetensorsTensor } from '../../framework/checkpoint/readSafetensors.ts';
import { selectBackend } from '../../framework/backend/selectBackend.ts';
import { main } from '../../framework/cli/main.ts';
import { MIND_SAMPLE } from '../data/mindSample.ts';
import { STUDENT_EXPORT } from '../model/seededStudent.ts';

/** Writes a recipe that fine-tunes the committed student export, embeddings included, for a few steps on the MIND sample. */
async function writeRecipe(directory: string, backend: string, steps: number): Promise<string> {
  const file = join(directory, `${backend}.yaml`);
  await writeFile(
    file,
    `name: embeddings-${backend}
seed: 7
backend: ${backend}
output: { directory: ${JSON.stringify(join(directory, 'runs'))} }
data: { type: mind, train: ${JSON.stringify(join(MIND_SAMPLE, 'train'))} }
models:
  student:
    tokenizer: { type: wordpiece, checkpoint: ${JSON.stringify(STUDENT_EXPORT)} }
    newsEncoder:
      type: plm
      backbone: { type: bert, checkpoint: ${JSON.stringify(STUDENT_EXPORT)} }
      pooling: { type: additive-attention, queryVectorSize: 8 }
      outputSize: 12
    userEncoder: { type: additive-attention, queryVectorSize: 8 }
    clickPredictor: { type: dot }
stages:
  fine-tune:
    type: fine-tune
    models: student
    trainEmbeddings: true
    batchSize: 4
    titleLength: 16
    historyLength: 5
    maxSteps: ${steps}
    logEvery: 1
    optimizer: { type: adam, learningRate: 0.01 }
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

/** Counts the rows of a [rows, width] tensor that differ between two versions of it. */
function changedRows(before: SafetensorsTensor, after: SafetensorsTensor): number {
  const width = before.shape[1] as number;
  let changed = 0;
  for (let row = 0; row < (before.shape[0] as number); row++) {
    for (let column = 0; column < width; column++) {
      if (before.values[row * width + column] !== after.values[row * width + column]) {
        changed += 1;
        break;
      }
    }
  }
  return changed;
}

describe('experiment run backends', () => {
  it('wasm trains the embeddings', { timeout: 120_000 }, async () => {
    const directory = await mkdtemp(join(tmpdir(), 'wasm-embeddings-'));
    const result = await runCli(['run', await writeRecipe(directory, 'wasm', 4)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('backend: wasm');

    const before = await readSafetensors(join(STUDENT_EXPORT, 'model.safetensors'));
    const after = await readSafetensors(join(runDirectoryOf(result.stdout), 'stages/fine-tune/model-1/model.safetensors'));
    const words = 'embeddings.word_embeddings.weight';
    const wordRows = changedRows(before.tensors.get(words) as SafetensorsTensor, after.tensors.get(words) as SafetensorsTensor);
    const positionRows = changedRows(
      before.tensors.get('embeddings.position_embeddings.weight') as SafetensorsTensor,
      after.tensors.get('embeddings.position_embeddings.weight') as SafetensorsTensor,
    );
    // Adam leaves rows without gradient unchanged, so only the ids that occurred move.
    expect(wordRows, 'word embedding rows changed').toBeGreaterThan(20);
    expect(wordRows, 'word embedding rows changed').toBeLessThan(400);
    expect(positionRows, 'position embedding rows changed').toBe(16);
  });

  it('auto logs the choice and skipped backends', { timeout: 120_000 }, async () => {
    const expected = await selectBackend('auto');
    const directory = await mkdtemp(join(tmpdir(), 'auto-backend-'));
    const result = await runCli(['run', await writeRecipe(directory, 'auto', 1)]);
    expect(result.code).toBe(0);
    for (const skipped of expected.skipped) {
      expect(result.stdout).toContain(`backend ${skipped.name} skipped: ${skipped.reason}`);
    }
    expect(result.stdout).toContain(`backend: ${expected.name}`);
  });
});
