// A helper thread of the parallel BatchMatMul kernel (parallelMatMul.ts). It
// runs its own TensorFlow.js wasm instance and multiplies the part of a batched
// matrix product that the main thread hands it. Jobs arrive synchronously: the
// main thread posts the job description on `port` and then increments
// `control[0]`. This thread wakes, reads the inputs from the shared buffer,
// writes its output part back to it and sets `control[1]` to the job's number.
//
// Plain JavaScript, so that the thread starts the same way under tsx, vitest
// and compiled builds.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const { control: controlBuffer, port } = workerData;
const control = new Int32Array(controlBuffer);

/** Control slots shared with parallelMatMul.ts. */
const JOB = 0;
const DONE = 1;
const FAILED = 2;

if (!(await tf.setBackend('wasm'))) {
  port.postMessage({ type: 'failed', message: 'the wasm backend failed to initialise in a worker thread' });
} else {
  port.postMessage({ type: 'ready' });
  serve();
}

function serve() {
  let data;
  let seen = 0;
  for (;;) {
    Atomics.wait(control, JOB, seen);
    seen = Atomics.load(control, JOB);
    const job = nextMessage();
    if (job.type === 'stop') {
      return;
    }
    if (job.buffer !== undefined) {
      data = job.buffer;
    }
    try {
      multiply(data, job);
      Atomics.store(control, FAILED, 0);
    } catch (error) {
      Atomics.store(control, FAILED, 1);
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
    Atomics.store(control, DONE, seen);
    Atomics.notify(control, DONE);
  }
}

/** Returns the next job from the port, waiting for it if the wake-up came first. */
function nextMessage() {
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received !== undefined) {
      return received.message;
    }
    Atomics.wait(control, FAILED, Atomics.load(control, FAILED), 1);
  }
}

/** Multiplies the job's rank-3 inputs from `data` and writes the product at `job.out`. */
function multiply(data, job) {
  const size = (shape) => shape[0] * shape[1] * shape[2];
  tf.tidy(() => {
    const a = tf.tensor3d(new Float32Array(data, job.a.offset, size(job.a.shape)), job.a.shape);
    const b = tf.tensor3d(new Float32Array(data, job.b.offset, size(job.b.shape)), job.b.shape);
    const product = tf.matMul(a, b, job.transposeA, job.transposeB);
    const backend = tf.backend();
    const values = backend.typedArrayFromHeap(product);
    new Float32Array(data, job.out.offset, values.length).set(values);
  });
}
