import { writeFile } from 'node:fs/promises';

/** A float32 tensor to write, as shape and values in row-major order. */
export interface TensorToWrite {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * Writes float32 tensors to a safetensors file that PyTorch's safetensors and
 * Hugging Face `transformers` load: names sorted, `__metadata__` set to
 * `{ format: 'pt' }`, and the JSON header padded with spaces so that the data
 * starts 8-byte aligned.
 */
export async function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, TensorToWrite>,
  metadata: Record<string, string> = {},
): Promise<void> {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...metadata } };
  let offset = 0;
  for (const name of names) {
    const tensor = tensors.get(name) as TensorToWrite;
    const count = tensor.shape.reduce((product, size) => product * size, 1);
    if (count !== tensor.values.length) {
      throw new Error(`${path}: tensor '${name}' has ${tensor.values.length} values but shape [${tensor.shape.join(', ')}] needs ${count}`);
    }
    header[name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }

  let headerText = JSON.stringify(header);
  const headerBytes = Buffer.byteLength(headerText, 'utf8');
  headerText += ' '.repeat((8 - ((8 + headerBytes) % 8)) % 8);
  const headerBuffer = Buffer.from(headerText, 'utf8');

  const file = Buffer.alloc(8 + headerBuffer.byteLength + offset);
  file.writeBigUInt64LE(BigInt(headerBuffer.byteLength), 0);
  headerBuffer.copy(file, 8);
  let position = 8 + headerBuffer.byteLength;
  for (const name of names) {
    const values = (tensors.get(name) as TensorToWrite).values;
    Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(file, position);
    position += values.byteLength;
  }
  await writeFile(path, file);
}
