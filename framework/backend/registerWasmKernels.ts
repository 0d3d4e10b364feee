import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * UnsortedSegmentSum for the wasm backend, which tfjs-backend-wasm 4.22 lacks.
 * TensorFlow.js needs it for the gradient of tf.gather (the embedding lookup).
 * Follows TensorFlow's semantics: output[s, ...] is the sum of x[i, ...] over
 * the rows i whose segment id is s, and rows whose id is outside
 * [0, numSegments) are dropped.
 */
const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as { numSegments: number };

    // Segment ids cover the leading dimensions of x; each id selects a row of `rowSize` values.
    const idCount = segmentIds.shape.reduce((product, size) => product * size, 1);
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const rowSize = rowShape.reduce((product, size) => product * size, 1);

    const values = wasm.readSync(x.dataId) as Float32Array | Int32Array;
    const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
    const output = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
    const sums = wasm.typedArrayFromHeap(output) as Float32Array | Int32Array;
    sums.fill(0);

    for (let i = 0; i < idCount; i++) {
      const segment = ids[i] as number;
      if (segment < 0 || segment >= numSegments) {
        continue;
      }
      const from = i * rowSize;
      const to = segment * rowSize;
      for (let j = 0; j < rowSize; j++) {
        sums[to + j] = (sums[to + j] as number) + (values[from + j] as number);
      }
    }
    return output;
  },
};

/** Kernels that training needs and the wasm backend lacks. */
const WASM_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSumConfig];

/**
 * Registers the missing training kernels on the wasm backend. Safe to call more
 * than once: kernels that are already registered (by an earlier call or by a
 * later tfjs-backend-wasm release) are left alone.
 */
export function registerWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) {
      tf.registerKernel(config);
    }
  }
}
