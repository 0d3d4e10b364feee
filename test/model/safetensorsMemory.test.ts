import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readSafetensors } from '../../framework/checkpoint/readSafetensors.ts';
import { STUDENT_EXPORT } from './seededStudent.ts';

// readSafetensors reads the file into one buffer and returns F32 tensors as views of it,
// so a checkpoint is in memory once until loadBertCheckpoint copies the kept tensors to the backend.
it('safetensors F32 tensors view one file buffer', async () => {
  const path = join(STUDENT_EXPORT, 'model.safetensors');
  const file = await readSafetensors(path);
  const buffers = new Set([...file.tensors.values()].map((tensor) => tensor.values.buffer));
  expect(buffers.size).toBe(1);
  const [buffer] = buffers;
  expect(buffer?.byteLength).toBe((await stat(path)).size);
});
