// One worker thread of the data-parallel matmul measurement: its own
// TensorFlow.js wasm instance multiplies [m, k] by [k, n] `repetitions` times
// after one warm-up and posts the GFLOP/s of each repetition.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const { m, k, n, repetitions, start } = workerData;
await tf.setBackend('wasm');
const a = tf.randomNormal([m, k]);
const b = tf.randomNormal([k, n]);
const once = () => {
  const begun = performance.now();
  const c = tf.matMul(a, b);
  c.dataSync();
  c.dispose();
  return (2 * m * k * n) / ((performance.now() - begun) / 1000) / 1e9;
};
once();
// Both workers wait on the same shared flag so that their repetitions overlap.
Atomics.wait(new Int32Array(start), 0, 0);
const values = [];
for (let i = 0; i < repetitions; i++) values.push(once());
parentPort.postMessage(values);
