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

/**
 * Identity kernel that shares the input's memory, as the wasm Reshape and the
 * cpu Identity do. TensorFlow.js saves tensors for gradients through Identity,
 * and the copying wasm Identity of tfjs-backend-wasm 4.22 doubled their memory.
 * Sharing relies on what Reshape already relies on: kernels write only to
 * their outputs, and assign points a variable at new memory.
 *
 * NOTE: the JavaScript kernels of tfjs-backend-wasm 4.22 were read to check
 * that; its C++ kernels ship compiled only, so for them it is unchecked.
 */
export const sharedIdentityConfig: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') {
      return tf.tensor((backend as BackendWasm).readSync(x.dataId) as Uint8Array[], x.shape, x.dtype);
    }
    (backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};

/** Kernels that training needs and the wasm backend lacks. */
const WASM_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSumConfig];

/**
 * Registers the training kernels the wasm backend lacks and replaces its
 * Identity with sharedIdentityConfig. Calling it again changes nothing.
 */
export function registerWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) {
      tf.registerKernel(config);
    }
  }
  if (tf.getKernel('Identity', 'wasm')?.kernelFunc !== sharedIdentityConfig.kernelFunc) {
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel(sharedIdentityConfig);
  }
}
