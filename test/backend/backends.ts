import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../../framework/backend/selectBackend.ts';

/** Backends the numerical tests run on; each test file skips none of those that load here. */
export const TEST_BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];

/** Makes a backend current for the following tests. */
export async function useBackend(name: BackendName): Promise<void> {
  const selection = await selectBackend(name);
  if (tf.getBackend() !== selection.tfBackend) {
    throw new Error(`backend ${name} selected but TensorFlow.js reports ${tf.getBackend()}`);
  }
}
