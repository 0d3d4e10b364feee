import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe } from 'vitest';
import { AUTO_ORDER, selectBackend, type BackendName } from '../../framework/backend/selectBackend.ts';

/** Tries one backend; returns whether it loads on this machine. */
async function loads(name: BackendName): Promise<boolean> {
  try {
    await selectBackend(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every backend that loads here, in `auto` order: wasm and cpu always, and the
 * tfjs-node backends where those optional packages are installed. Numerical
 * tests run on each of them.
 */
export const TEST_BACKENDS: readonly BackendName[] = await (async () => {
  const loaded: BackendName[] = [];
  for (const name of AUTO_ORDER) {
    if (await loads(name)) loaded.push(name);
  }
  for (const required of ['wasm', 'cpu'] as const) {
    if (!loaded.includes(required)) {
      throw new Error(`the ${required} backend failed to load; the numerical tests need it`);
    }
  }
  return loaded;
})();

/** Makes a backend current for the following tests. */
export async function useBackend(name: BackendName): Promise<void> {
  const selection = await selectBackend(name);
  if (tf.getBackend() !== selection.tfBackend) {
    throw new Error(`backend ${name} selected but TensorFlow.js reports ${tf.getBackend()}`);
  }
}

/**
 * Declares the same suite once per backend in TEST_BACKENDS, like tfjs's
 * describeWithFlags. The title gets " on <backend>" appended, and the backend
 * is made current before the suite's own beforeAll hooks and before each test.
 */
export function describeEachBackend(title: string, suite: (backend: BackendName) => void): void {
  describe.each(TEST_BACKENDS)(`${title} on %s`, (backend) => {
    // Hooks run in the order they are registered, so these come before the suite's.
    beforeAll(async () => {
      await useBackend(backend);
    });
    beforeEach(async () => {
      await useBackend(backend);
    });
    suite(backend);
  });
}
