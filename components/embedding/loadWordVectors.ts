import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readSafetensors } from '../../framework/checkpoint/readSafetensors.ts';

/** Names the input embeddings have in Hugging Face BERT-family checkpoints (BertModel, then BertForPreTraining). */
const CHECKPOINT_EMBEDDING_NAMES = ['embeddings.word_embeddings.weight', 'bert.embeddings.word_embeddings.weight'];

/**
 * Reads a checkpoint's input embeddings [vocabularySize, size] from its
 * model.safetensors. Raises an error when the table is missing or its shape
 * differs from the tokenizer's vocabulary and the configured size.
 */
export async function readCheckpointEmbeddings(directory: string, vocabularySize: number, size: number): Promise<Float32Array> {
  const file = await readSafetensors(join(directory, 'model.safetensors'));
  const name = CHECKPOINT_EMBEDDING_NAMES.find((candidate) => file.tensors.has(candidate));
  const tensor = name === undefined ? undefined : file.tensors.get(name);
  if (tensor === undefined) {
    throw new Error(`${file.path}: no input embeddings (looked for ${CHECKPOINT_EMBEDDING_NAMES.join(', ')})`);
  }
  const [rows, columns] = tensor.shape;
  if (columns !== size) {
    throw new Error(`${file.path}: input embeddings have width ${columns}, but wordEmbedding.size is ${size}; set size: ${columns}`);
  }
  if (rows !== vocabularySize) {
    throw new Error(
      `${file.path}: input embeddings have ${rows} rows, but the tokenizer has ${vocabularySize} tokens; use the checkpoint's own tokenizer`,
    );
  }
  return Float32Array.from(tensor.values);
}

/**
 * Copies the vectors of a GloVe-format file (`token v1 ... vn` per line) into
 * the rows of `table` [vocabulary.length, size] whose token the file lists, and
 * returns how many rows it set. The file is streamed, so large files (GloVe
 * 840B is 5.6 GB) only cost the memory of the table.
 */
export async function readGloveVectors(path: string, vocabulary: readonly string[], table: Float32Array, size: number): Promise<number> {
  const rowOf = new Map<string, number>();
  vocabulary.forEach((token, row) => rowOf.set(token, row));
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  let found = 0;
  for await (const line of lines) {
    lineNumber += 1;
    // Tokens may contain spaces in GloVe 840B, so the vector is the last `size` fields.
    const fields = line.trimEnd().split(' ');
    if (fields.length < size + 1) {
      if (line.trim() === '') continue;
      throw new Error(`${path}:${lineNumber}: expected a token and ${size} numbers, got ${fields.length} fields`);
    }
    const token = fields.slice(0, fields.length - size).join(' ');
    const row = rowOf.get(token);
    if (row === undefined) continue;
    for (let column = 0; column < size; column++) {
      const value = Number(fields[fields.length - size + column]);
      if (!Number.isFinite(value)) {
        throw new Error(`${path}:${lineNumber}: '${fields[fields.length - size + column]}' is not a number`);
      }
      table[row * size + column] = value;
    }
    rowOf.delete(token);
    found += 1;
  }
  return found;
}
