import { readFile } from 'node:fs/promises';

/** A tensor read from a safetensors file, converted to a dtype TensorFlow.js supports. */
export interface SafetensorsTensor {
  readonly dtype: 'float32' | 'int32';
  readonly shape: number[];
  readonly values: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  readonly path: string;
  readonly tensors: Map<string, SafetensorsTensor>;
  /** The header's `__metadata__` string map (empty when absent). */
  readonly metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Raised for a file that is not valid safetensors or contains a dtype this reader cannot convert. */
export class SafetensorsError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'SafetensorsError';
  }
}

const BYTES_PER_ELEMENT: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4 };

/** Decodes one IEEE 754 half-precision value. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) {
    return sign * 2 ** -14 * (fraction / 1024);
  }
  if (exponent === 0x1f) {
    return fraction === 0 ? sign * Infinity : NaN;
  }
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function convert(path: string, name: string, entry: HeaderEntry, bytes: Uint8Array): SafetensorsTensor {
  const count = entry.shape.reduce((product, size) => product * size, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  switch (entry.dtype) {
    case 'F32': {
      // A Float32Array can view the file's buffer directly when the data is 4-byte aligned;
      // otherwise this one tensor is copied. Safetensors data is little-endian, like x86 and ARM hosts.
      const values =
        bytes.byteOffset % 4 === 0
          ? new Float32Array(bytes.buffer, bytes.byteOffset, count)
          : new Float32Array(bytes.slice().buffer, 0, count);
      return { dtype: 'float32', shape: entry.shape, values };
    }
    case 'F16': {
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = halfToFloat(view.getUint16(2 * i, true));
      return { dtype: 'float32', shape: entry.shape, values };
    }
    case 'BF16': {
      // bfloat16 is the upper half of a float32.
      const values = new Float32Array(count);
      const widened = new Uint32Array(values.buffer);
      for (let i = 0; i < count; i++) widened[i] = view.getUint16(2 * i, true) << 16;
      return { dtype: 'float32', shape: entry.shape, values };
    }
    case 'F64': {
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = view.getFloat64(8 * i, true);
      return { dtype: 'float32', shape: entry.shape, values };
    }
    case 'I32': {
      const values = new Int32Array(count);
      for (let i = 0; i < count; i++) values[i] = view.getInt32(4 * i, true);
      return { dtype: 'int32', shape: entry.shape, values };
    }
    case 'I64': {
      const values = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const value = view.getBigInt64(8 * i, true);
        if (value > 2147483647n || value < -2147483648n) {
          throw new SafetensorsError(path, `tensor '${name}' contains the I64 value ${value}, outside the int32 range that TensorFlow.js supports`);
        }
        values[i] = Number(value);
      }
      return { dtype: 'int32', shape: entry.shape, values };
    }
    default:
      throw new SafetensorsError(path, `tensor '${name}' has dtype ${entry.dtype}; supported: ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`);
  }
}

/**
 * Reads a safetensors file: an 8-byte little-endian header length, a JSON
 * header mapping names to dtype, shape and byte range, then the raw data.
 * The file is read into memory once; F32 tensors are views of that buffer, and
 * other dtypes are converted to float32 or int32.
 */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  const file = await readFile(path);
  if (file.byteLength < 8) {
    throw new SafetensorsError(path, `file is ${file.byteLength} bytes, shorter than the 8-byte header length`);
  }
  const headerLength = Number(file.readBigUInt64LE(0));
  if (8 + headerLength > file.byteLength) {
    throw new SafetensorsError(path, `header length ${headerLength} exceeds the file size ${file.byteLength}`);
  }

  let header: Record<string, unknown>;
  try {
    header = JSON.parse(file.toString('utf8', 8, 8 + headerLength)) as Record<string, unknown>;
  } catch (error) {
    throw new SafetensorsError(path, `header is not valid JSON (${(error as Error).message})`);
  }

  const dataStart = 8 + headerLength;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as HeaderEntry;
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((product, size) => product * size, 1);
    const expectedBytes = count * (BYTES_PER_ELEMENT[entry.dtype] ?? 0);
    if (end - begin !== expectedBytes && BYTES_PER_ELEMENT[entry.dtype] !== undefined) {
      throw new SafetensorsError(path, `tensor '${name}' spans ${end - begin} bytes, expected ${expectedBytes} for ${entry.dtype} [${entry.shape.join(', ')}]`);
    }
    if (dataStart + end > file.byteLength) {
      throw new SafetensorsError(path, `tensor '${name}' ends at byte ${dataStart + end}, past the end of the file (${file.byteLength} bytes)`);
    }
    const bytes = new Uint8Array(file.buffer, file.byteOffset + dataStart + begin, end - begin);
    tensors.set(name, convert(path, name, entry, bytes));
  }
  return { path, tensors, metadata };
}
