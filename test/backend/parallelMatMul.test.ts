import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PARALLEL_MIN_FLOPS,
  setHelperResponseTimeout,
  splitProductCount,
  terminateHelperForTesting,
  useWasmMatMulThreads,
  wasmMatMulThreads,
} from '../../framework/backend/parallelMatMul.ts';
import { selectBackend } from '../../framework/backend/selectBackend.ts';

type Case = { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean; why: string };

// Every case is above the split threshold, so the parallel kernel cuts it into parts.
const CASES: Case[] = [
  { a: [512, 384], b: [384, 1536], transposeA: false, transposeB: false, why: 'a BERT feed-forward layer, split by rows' },
  { a: [384, 512], b: [384, 96], transposeA: true, transposeB: false, why: 'a weight gradient: column bands of a transposed a' },
  { a: [512, 384], b: [96, 384], transposeA: false, transposeB: true, why: 'an input gradient: b transposed' },
  { a: [385, 511], b: [97, 385], transposeA: true, transposeB: true, why: 'both transposed, odd sizes' },
  { a: [4, 12, 50, 64], b: [4, 12, 50, 64], transposeA: false, transposeB: true, why: 'attention scores, split by batch' },
  { a: [7, 301, 65], b: [65, 203], transposeA: false, transposeB: false, why: 'a batch against one shared matrix' },
  { a: [301, 65], b: [7, 65, 203], transposeA: false, transposeB: false, why: 'one shared matrix against a batch' },
  { a: [3, 301, 65], b: [3, 301, 67], transposeA: true, transposeB: false, why: 'a batch with a transposed, odd rows' },
];

function flopsOf(c: Case): number {
  const rows = c.transposeA ? (c.a.at(-1) as number) : (c.a.at(-2) as number);
  const inner = c.transposeA ? (c.a.at(-2) as number) : (c.a.at(-1) as number);
  const columns = c.transposeB ? (c.b.at(-2) as number) : (c.b.at(-1) as number);
  const batch = Math.max(tf.util.sizeFromShape(c.a.slice(0, -2)), tf.util.sizeFromShape(c.b.slice(0, -2)));
  return 2 * batch * rows * inner * columns;
}

/** Products of every case with the wasm kernel as configured now, and how many of them were split. */
function products(): { values: Float32Array[]; split: number } {
  const before = splitProductCount();
  const values = CASES.map((c, index) =>
    tf.tidy(() => {
      const a = tf.randomNormal(c.a, 0, 1, 'float32', 11 + index);
      const b = tf.randomNormal(c.b, 0, 1, 'float32', 101 + index);
      return tf.matMul(a, b, c.transposeA, c.transposeB).dataSync() as Float32Array;
    }),
  );
  return { values, split: splitProductCount() - before };
}

describe('BatchMatMul split across threads on wasm', () => {
  let stock: Float32Array[];

  beforeAll(async () => {
    await selectBackend('wasm');
    await useWasmMatMulThreads(1);
    stock = products().values;
  });

  afterAll(async () => {
    await useWasmMatMulThreads(1);
  });

  it('has cases big enough to split', () => {
    for (const c of CASES) expect(flopsOf(c), c.why).toBeGreaterThanOrEqual(PARALLEL_MIN_FLOPS);
  });

  // The stock kernel is the reference of the tests below, so it is first checked against the cpu backend.
  it('stock kernel matches cpu backend', async () => {
    const cpu = await (async () => {
      await selectBackend('cpu');
      const values = products().values;
      await selectBackend('wasm');
      return values;
    })();
    CASES.forEach((c, index) => {
      const ours = stock[index] as Float32Array;
      const theirs = cpu[index] as Float32Array;
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs((ours[i] as number) - (theirs[i] as number)));
      expect(worst, c.why).toBeLessThan(1e-3);
    });
  });

  for (const threads of [2, 3]) {
    it(`${threads} threads equal stock kernel bitwise`, async () => {
      await useWasmMatMulThreads(threads);
      expect(wasmMatMulThreads()).toBe(threads);
      const { values, split } = products();
      expect(split).toBe(CASES.length);
      CASES.forEach((c, index) => {
        expect(Array.from(values[index] as Float32Array), c.why).toEqual(Array.from(stock[index] as Float32Array));
      });
    });
  }

  it('leaves small products on the main thread', async () => {
    await useWasmMatMulThreads(2);
    const before = splitProductCount();
    tf.tidy(() => tf.matMul(tf.ones([4, 8]), tf.ones([8, 4])).dataSync());
    expect(splitProductCount()).toBe(before);
  });

  it('gradients equal stock kernel bitwise', async () => {
    const gradients = () =>
      tf.tidy(() => {
        const a = tf.randomNormal([256, 384], 0, 1, 'float32', 7);
        const b = tf.randomNormal([384, 512], 0, 1, 'float32', 8);
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.tanh(tf.matMul(x, y)));
        const [da, db] = tf.grads(f)([a, b]);
        return [da?.dataSync() as Float32Array, db?.dataSync() as Float32Array];
      });
    await useWasmMatMulThreads(1);
    const stockGradients = gradients();
    await useWasmMatMulThreads(2);
    const before = splitProductCount();
    const splitGradients = gradients();
    expect(splitProductCount() - before).toBe(3);
    expect(Array.from(splitGradients[0] as Float32Array)).toEqual(Array.from(stockGradients[0] as Float32Array));
    expect(Array.from(splitGradients[1] as Float32Array)).toEqual(Array.from(stockGradients[1] as Float32Array));
  });

  it('does not leak tensors or wasm buffers', async () => {
    await useWasmMatMulThreads(2);
    const a = tf.randomNormal([512, 384]);
    const b = tf.randomNormal([384, 768]);
    tf.matMul(a, b).dispose();
    const tensors = tf.memory().numTensors;
    const buffers = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    for (let i = 0; i < 5; i++) tf.matMul(a, b).dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(buffers);
    tf.dispose([a, b]);
  });

  // The helper's part has an odd number of floats (k and c are odd), and the second one is under 1.5 times the
  // first, so growing the shared buffer by half must still give a whole number of floats.
  it('grows the shared buffer by whole floats', async () => {
    const shapes: [number, number][] = [
      [64, 385],
      [66, 385],
    ];
    const b = tf.randomNormal([385, 1535], 0, 1, 'float32', 9);
    const inputs = shapes.map(([rows, inner]) => tf.randomNormal([rows, inner], 0, 1, 'float32', rows));
    const multiplyAll = () => inputs.map((a) => tf.tidy(() => Array.from(tf.matMul(a, b).dataSync())));
    await useWasmMatMulThreads(1);
    const expected = multiplyAll();
    // One helper thread for both products, so the second one finds the first one's buffer.
    await useWasmMatMulThreads(2);
    const actual = multiplyAll();
    expect(actual[0], '64 rows').toEqual(expected[0]);
    expect(actual[1], '66 rows').toEqual(expected[1]);
    tf.dispose([b, ...inputs]);
  });

  it('recovers from a lost helper', async () => {
    const a = tf.randomNormal([512, 384], 0, 1, 'float32', 10);
    const b = tf.randomNormal([384, 768], 0, 1, 'float32', 11);
    await useWasmMatMulThreads(1);
    const expected = tf.tidy(() => tf.matMul(a, b).dataSync() as Float32Array);
    await useWasmMatMulThreads(2);
    await terminateHelperForTesting(0);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    setHelperResponseTimeout(200);
    try {
      const actual = tf.tidy(() => tf.matMul(a, b).dataSync() as Float32Array);
      expect(Array.from(actual)).toEqual(Array.from(expected));
      expect(wasmMatMulThreads()).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([
        '1 matrix-multiply worker thread(s) timed out: no response within 0.2 s; the product was computed on the main thread, and 1 thread(s) remain',
      ]);
    } finally {
      setHelperResponseTimeout(60_000);
      process.off('warning', onWarning);
      tf.dispose([a, b]);
    }
  });

  it('rejects a thread count below one', async () => {
    await expect(useWasmMatMulThreads(0)).rejects.toThrow('the number of threads must be a whole number of at least 1, got 0');
  });
});
