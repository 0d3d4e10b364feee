import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * BatchMatMul on the wasm backend split across threads. tfjs-backend-wasm 4.22
 * runs on one core under Node, because its threaded build is not used there.
 * Nearly all of the compute of the recipes here is matrix products: BERT
 * layers, attention, the dense layers and the text CNN (which TextCnn computes
 * as a dense layer). This kernel cuts each large product into one part per
 * thread, along the batch dimension or else along the output rows. The main
 * thread multiplies its part with the stock kernel while each helper thread
 * multiplies its part on a wasm instance of its own. Inputs and outputs travel
 * through a SharedArrayBuffer, and the main thread blocks on Atomics until
 * every part is in. Each output element is computed by the same kernel over the same
 * inner dimension as without the split, and the parallel-kernel tests check
 * that the products are bit for bit those of the stock kernel.
 */

/** Floating-point operations below which a product stays on the main thread, because a hand-off costs tens of microseconds (estimate). */
export const PARALLEL_MIN_FLOPS = 4e6;

/** Control slots shared with matMulWorker.mjs. */
const JOB = 0;
const DONE = 1;
const FAILED = 2;

interface Helper {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly control: Int32Array;
  /** Shared buffer for the helper's part inputs and output, replaced by a larger one when a part does not fit. */
  buffer: SharedArrayBuffer | undefined;
  /** The buffer the helper last received. When `buffer` differs, the next job carries the new one. */
  sentBuffer: SharedArrayBuffer | undefined;
}

interface Rank3 {
  readonly shape: [number, number, number];
  /** Offset in bytes in the shared buffer. */
  readonly offset: number;
}

/**
 * Pool state of the process. TensorFlow.js keeps its kernel registry in a
 * global, so the state lives in one too. A second copy of this module, as a
 * test runner that reloads modules per test file creates, then finds the same
 * pool and the real stock kernel instead of wrapping the parallel one.
 */
interface PoolState {
  helpers: Helper[];
  stockKernel: tf.KernelConfig | undefined;
  splitProducts: number;
  /** Milliseconds without a response after which a helper thread counts as lost. */
  responseTimeoutMs: number;
}

const POOL_KEY = Symbol.for('newsrec-lab.parallelMatMul');
const pool: PoolState = ((globalThis as Record<symbol, unknown>)[POOL_KEY] as PoolState | undefined) ?? {
  helpers: [],
  stockKernel: undefined,
  splitProducts: 0,
  responseTimeoutMs: 60_000,
};
(globalThis as Record<symbol, unknown>)[POOL_KEY] = pool;

/**
 * Sets how long a product waits for a helper thread before it drops that
 * helper and computes the product with the stock kernel. The default of 60 s
 * is an estimate far above the seconds the largest part takes here.
 */
export function setHelperResponseTimeout(milliseconds: number): void {
  pool.responseTimeoutMs = milliseconds;
}

/** Stops helper thread `index` without removing it from the pool, so that tests can check the recovery from a lost helper. */
export async function terminateHelperForTesting(index: number): Promise<void> {
  await (pool.helpers[index] as Helper).worker.terminate();
}

/** Raised by multiplyInParts when helper threads did not respond in time. They are already out of the pool. */
class LostHelpersError extends Error {}

/** Returns how many products this process has split across threads, so that tests can check that a split happened. */
export function splitProductCount(): number {
  return pool.splitProducts;
}

/** Returns the thread count of a `threads` setting, where `auto` is one per core this process may use. */
export function threadCount(setting: number | 'auto'): number {
  return setting === 'auto' ? availableParallelism() : setting;
}

/** Returns the number of threads of the wasm BatchMatMul kernel (1 for the stock kernel). */
export function wasmMatMulThreads(): number {
  return pool.helpers.length + 1;
}

/**
 * Makes the wasm BatchMatMul kernel use `threads` threads: the main thread
 * and `threads - 1` helper threads. 1 restores the stock kernel. Call after
 * the wasm backend is initialised. Helper threads do not keep the process
 * alive.
 */
export async function useWasmMatMulThreads(threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`the number of threads must be a whole number of at least 1, got ${threads}`);
  }
  pool.stockKernel ??= tf.getKernel('BatchMatMul', 'wasm');
  const stockKernel = pool.stockKernel;
  if (stockKernel === undefined) {
    throw new Error('the wasm backend has no BatchMatMul kernel to split across threads');
  }
  while (pool.helpers.length > threads - 1) {
    stopHelper(pool.helpers.pop() as Helper);
  }
  while (pool.helpers.length < threads - 1) {
    pool.helpers.push(await startHelper());
  }
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(threads === 1 ? stockKernel : { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: parallelBatchMatMul });
}

async function startHelper(): Promise<Helper> {
  const { port1, port2 } = new MessageChannel();
  const control = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(new URL('./matMulWorker.mjs', import.meta.url), {
    workerData: { control: control.buffer, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      port1.off('message', onMessage);
      worker.off('error', settle);
      worker.off('exit', onExit);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onMessage = (message: { type: string; message?: string }) => {
      settle(message.type === 'ready' ? undefined : new Error(message.message ?? 'a matrix-multiply worker thread failed to start'));
    };
    const onExit = (code: number) => settle(new Error(`a matrix-multiply worker thread exited with code ${code} before it was ready`));
    port1.on('message', onMessage);
    worker.once('error', settle);
    worker.once('exit', onExit);
  });
  // From here on the port is read synchronously with receiveMessageOnPort, so it must not keep the loop alive.
  port1.unref();
  return { worker, port: port1, control, buffer: undefined, sentBuffer: undefined };
}

function stopHelper(helper: Helper): void {
  helper.port.postMessage({ type: 'stop' });
  Atomics.add(helper.control, JOB, 1);
  Atomics.notify(helper.control, JOB);
  void helper.worker.terminate();
}

/** The inputs of one part: where they start in the source (floats) and their rank-3 shapes, and where the part's output goes. */
interface PartInputs {
  readonly a: { readonly shape: [number, number, number]; readonly start: number; readonly strided: boolean };
  readonly b: { readonly shape: [number, number, number]; readonly start: number };
  readonly outSize: number;
  readonly outStart: number;
  readonly from: number;
  readonly to: number;
}

interface Plan {
  readonly batch: number;
  readonly aBatch: number;
  readonly bBatch: number;
  readonly rows: number;
  readonly inner: number;
  readonly columns: number;
}

function parallelBatchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const stock = (pool.stockKernel as tf.KernelConfig).kernelFunc;
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
    return stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const aBatch = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const bBatch = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const plan: Plan = {
    batch: Math.max(aBatch, bBatch),
    aBatch,
    bBatch,
    rows: (transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2]) as number,
    inner: (transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1]) as number,
    columns: (transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1]) as number,
  };
  const flops = 2 * plan.batch * plan.rows * plan.inner * plan.columns;
  // Batches that broadcast in some leading dimensions only go to the stock kernel.
  const parts = splitPoints(plan, pool.helpers.length + 1);
  if (flops < PARALLEL_MIN_FLOPS || parts === undefined || !sameLeadingDims(a, b)) {
    return stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  pool.splitProducts += 1;
  try {
    return multiplyInParts(args.backend as BackendWasm, a, b, transposeA, transposeB, plan, parts, stock);
  } catch (error) {
    if (!(error instanceof LostHelpersError)) throw error;
    // The stock kernel gives the same product bit for bit, so the run goes on with fewer threads.
    process.emitWarning(`${error.message}; the product was computed on the main thread, and ${pool.helpers.length + 1} thread(s) remain`);
    return stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
}

/** The leading (batch) dimensions must broadcast as a whole for the flat batch index to be the same in a, b and the output. */
function sameLeadingDims(a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  const aLead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  const aSize = tf.util.sizeFromShape(aLead);
  const bSize = tf.util.sizeFromShape(bLead);
  if (aSize === 1 || bSize === 1) {
    return true;
  }
  return aLead.length === bLead.length && aLead.every((size, index) => size === bLead[index]);
}

/** Returns where each part starts along the split dimension, plus the end, or undefined when there is too little to split. */
function splitPoints(plan: Plan, threads: number): { along: 'batch' | 'rows'; bounds: number[] } | undefined {
  const along = plan.batch >= threads ? 'batch' : 'rows';
  const extent = along === 'batch' ? plan.batch : plan.rows;
  const count = Math.min(threads, extent);
  if (count < 2) {
    return undefined;
  }
  const bounds = Array.from({ length: count + 1 }, (_, index) => Math.round((index * extent) / count));
  return { along, bounds };
}

function multiplyInParts(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  plan: Plan,
  parts: { along: 'batch' | 'rows'; bounds: number[] },
  stock: tf.KernelFunc,
): tf.TensorInfo {
  const aStored: [number, number] = transposeA ? [plan.inner, plan.rows] : [plan.rows, plan.inner];
  const bStored: [number, number] = transposeB ? [plan.columns, plan.inner] : [plan.inner, plan.columns];
  const aMatrix = aStored[0] * aStored[1];
  const bMatrix = bStored[0] * bStored[1];
  const aOffset = offsetOf(backend, a);
  const bOffset = offsetOf(backend, b);

  // Locates the inputs and the output of part `index`.
  const partInputs = (index: number): PartInputs => {
    const from = parts.bounds[index] as number;
    const to = parts.bounds[index + 1] as number;
    if (parts.along === 'batch') {
      const aBatches = plan.aBatch === 1 ? [0, 1] : [from, to];
      const bBatches = plan.bBatch === 1 ? [0, 1] : [from, to];
      return {
        a: { shape: [aBatches[1]! - aBatches[0]!, ...aStored] as [number, number, number], start: aBatches[0]! * aMatrix, strided: false },
        b: { shape: [bBatches[1]! - bBatches[0]!, ...bStored] as [number, number, number], start: bBatches[0]! * bMatrix },
        outSize: (to - from) * plan.rows * plan.columns,
        outStart: from * plan.rows * plan.columns,
        from,
        to,
      };
    }
    // One matrix: a part is the output rows [from, to), which are rows of a, or columns of a when it is transposed.
    return {
      a: {
        shape: (transposeA ? [1, plan.inner, to - from] : [1, to - from, plan.inner]) as [number, number, number],
        start: transposeA ? from : from * plan.inner,
        strided: transposeA,
      },
      b: { shape: [1, ...bStored] as [number, number, number], start: 0 },
      outSize: (to - from) * plan.columns,
      outStart: from * plan.columns,
      from,
      to,
    };
  };

  // Copies part inputs into the shared buffer of each helper and starts it.
  const count = parts.bounds.length - 1;
  const started: { helper: Helper; out: Rank3; outStart: number; outSize: number }[] = [];
  const sourceHeap = heapOf(backend);
  for (let index = 1; index < count; index++) {
    const helper = pool.helpers[index - 1] as Helper;
    const part = partInputs(index);
    const aSize = part.a.shape[0] * part.a.shape[1] * part.a.shape[2];
    const bSize = part.b.shape[0] * part.b.shape[1] * part.b.shape[2];
    const floats = aSize + bSize + part.outSize;
    const heldFloats = (helper.buffer?.byteLength ?? 0) / Float32Array.BYTES_PER_ELEMENT;
    if (heldFloats < floats) {
      // Grows by half again so that slowly growing shapes do not reallocate every time. The size stays
      // a whole number of floats, because a Float32Array view of the buffer needs that.
      helper.buffer = new SharedArrayBuffer(Math.max(floats, Math.ceil(heldFloats * 1.5)) * Float32Array.BYTES_PER_ELEMENT);
    }
    const shared = new Float32Array(helper.buffer as SharedArrayBuffer);
    copyPart(sourceHeap, aOffset + part.a.start, shared, 0, part.a.shape, part.a.strided, aStored[1]);
    shared.set(sourceHeap.subarray(bOffset + part.b.start, bOffset + part.b.start + bSize), aSize);
    const out: Rank3 = {
      shape: parts.along === 'batch' ? [part.to - part.from, plan.rows, plan.columns] : [1, part.to - part.from, plan.columns],
      offset: (aSize + bSize) * Float32Array.BYTES_PER_ELEMENT,
    };
    const job = {
      type: 'multiply',
      a: { shape: part.a.shape, offset: 0 },
      b: { shape: part.b.shape, offset: aSize * Float32Array.BYTES_PER_ELEMENT },
      out,
      transposeA,
      transposeB,
      ...(helper.sentBuffer === helper.buffer ? {} : { buffer: helper.buffer }),
    };
    helper.sentBuffer = helper.buffer;
    helper.port.postMessage(job);
    Atomics.add(helper.control, JOB, 1);
    Atomics.notify(helper.control, JOB);
    started.push({ helper, out, outStart: part.outStart, outSize: part.outSize });
  }

  // The main thread's part, with the stock kernel on copies of its inputs. Helpers are
  // waited for even when it fails, so that no job is still running when the next one is posted.
  let result: tf.TensorInfo | undefined;
  let mainError: unknown;
  try {
    result = multiplyOwnPart(backend, a, b, partInputs(0), aOffset, bOffset, aStored[1], plan, transposeA, transposeB, stock);
  } catch (error) {
    mainError = error;
  }

  const failures: string[] = [];
  const lost: Helper[] = [];
  const heap = result === undefined ? undefined : heapOf(backend);
  const resultOffset = result === undefined ? 0 : offsetOf(backend, result);
  for (const { helper, out, outStart, outSize } of started) {
    const expected = Atomics.load(helper.control, JOB);
    if (!awaitJob(helper, expected)) {
      lost.push(helper);
      continue;
    }
    if (Atomics.load(helper.control, FAILED) !== 0) {
      const report = receiveMessageOnPort(helper.port)?.message as { message?: string } | undefined;
      failures.push(report?.message ?? 'unknown error');
      continue;
    }
    heap?.set(new Float32Array(helper.buffer as SharedArrayBuffer, out.offset, outSize), resultOffset + outStart);
  }
  if (lost.length > 0) {
    pool.helpers = pool.helpers.filter((helper) => !lost.includes(helper));
    for (const helper of lost) void helper.worker.terminate();
  }
  if (mainError !== undefined) {
    throw mainError;
  }
  if (lost.length > 0) {
    backend.disposeData((result as tf.TensorInfo).dataId);
    throw new LostHelpersError(
      `${lost.length} matrix-multiply worker thread(s) timed out: no response within ${pool.responseTimeoutMs / 1000} s`,
    );
  }
  if (failures.length > 0) {
    backend.disposeData((result as tf.TensorInfo).dataId);
    throw new Error(`a matrix-multiply worker thread failed: ${failures.join('; ')}`);
  }
  return result as tf.TensorInfo;
}

/**
 * Waits until the helper reports job `expected` done. Returns false when it does not respond within the pool's timeout.
 * NOTE: a helper that never reported its job done was seen once, in a run on a heavily loaded machine. The cause is
 * not known, so the caller drops such a helper and computes the product with the stock kernel.
 */
function awaitJob(helper: Helper, expected: number): boolean {
  const waitStarted = Date.now();
  while (Atomics.load(helper.control, DONE) !== expected) {
    if (Date.now() - waitStarted > pool.responseTimeoutMs) return false;
    Atomics.wait(helper.control, DONE, Atomics.load(helper.control, DONE), Math.min(1000, pool.responseTimeoutMs));
  }
  return true;
}

/** Multiplies the main thread's part with the stock kernel and returns the whole output with that part filled in. */
function multiplyOwnPart(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  own: PartInputs,
  aOffset: number,
  bOffset: number,
  aStride: number,
  plan: Plan,
  transposeA: boolean,
  transposeB: boolean,
  stock: tf.KernelFunc,
): tf.TensorInfo {
  const ownA = backend.makeOutput(own.a.shape, 'float32');
  const ownB = backend.makeOutput(own.b.shape, 'float32');
  let heap = heapOf(backend);
  copyPart(heap, aOffset + own.a.start, heap, offsetOf(backend, ownA), own.a.shape, own.a.strided, aStride);
  const ownBSize = own.b.shape[0] * own.b.shape[1] * own.b.shape[2];
  heap.copyWithin(offsetOf(backend, ownB), bOffset + own.b.start, bOffset + own.b.start + ownBSize);
  let ownOut: tf.TensorInfo;
  try {
    ownOut = stock({ inputs: { a: ownA, b: ownB }, backend, attrs: { transposeA, transposeB } }) as tf.TensorInfo;
  } finally {
    backend.disposeData(ownA.dataId);
    backend.disposeData(ownB.dataId);
  }

  const outShape = [
    ...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
    plan.rows,
    plan.columns,
  ];
  const result = backend.makeOutput(outShape, 'float32');
  heap = heapOf(backend);
  const ownOutOffset = offsetOf(backend, ownOut);
  heap.copyWithin(offsetOf(backend, result) + own.outStart, ownOutOffset, ownOutOffset + own.outSize);
  backend.disposeData(ownOut.dataId);
  return result;
}

/** Returns the wasm heap as floats. Take a fresh view after every allocation, because an allocation may grow the memory. */
function heapOf(backend: BackendWasm): Float32Array {
  return new Float32Array((backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer);
}

/** Returns the float offset of a tensor's data in the wasm heap. */
function offsetOf(backend: BackendWasm, info: tf.TensorInfo): number {
  return (backend.dataIdMap.get(info.dataId) as { memoryOffset: number }).memoryOffset / Float32Array.BYTES_PER_ELEMENT;
}

/**
 * Copies a part of rank-3 shape [n, r, c] starting at `source[start]`. A part
 * is contiguous unless it is a column band of a transposed a (one matrix,
 * `strided`), whose rows are `stride` apart in the source.
 */
function copyPart(
  source: Float32Array,
  start: number,
  target: Float32Array,
  targetStart: number,
  shape: [number, number, number],
  strided: boolean,
  stride: number,
): void {
  const [n, r, c] = shape;
  if (!strided) {
    const size = n * r * c;
    if (source === target) {
      target.copyWithin(targetStart, start, start + size);
    } else {
      target.set(source.subarray(start, start + size), targetStart);
    }
    return;
  }
  for (let row = 0; row < r; row++) {
    target.set(source.subarray(start + row * stride, start + row * stride + c), targetStart + row * c);
  }
}
