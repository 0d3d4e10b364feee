import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { threadCount, useWasmMatMulThreads } from '../../framework/backend/parallelMatMul.ts';
import { AUTO_ORDER, selectBackend } from '../../framework/backend/selectBackend.ts';
import { figureOf, ratioOf, type Figure, type Ratio } from '../lib/Figure.ts';
import { repeat } from '../lib/repeat.ts';
import { runPython } from '../lib/runPython.ts';
import type { Scenario, ScenarioOptions } from '../lib/ScenarioOptions.ts';

const FULL_SIZE = [2048, 384, 1536] as const;
const QUICK_SIZE = [256, 384, 1536] as const;

const sizeTitle = ([m, k, n]: readonly number[]) => `1. Matrix multiply [${m}x${k}]·[${k}x${n}], fp32`;

/** Scenario 1: fp32 matrix multiply on each backend that loads, beside numpy in the same run. */
export const kernelScenario: Scenario = {
  id: 'kernel',
  title: sizeTitle(FULL_SIZE),
  quickTitle: sizeTitle(QUICK_SIZE),
  async run(options) {
    const [m, k, n] = options.quick ? QUICK_SIZE : FULL_SIZE;
    const flops = 2 * m * k * n;
    const figures: Figure[] = [];
    const ratios: Ratio[] = [];
    const notes = [`size [${m}x${k}]·[${k}x${n}], ${(flops / 1e9).toFixed(2)} GFLOP per multiply`];
    const backendFigures: Figure[] = [];

    for (const backend of AUTO_ORDER) {
      try {
        await selectBackend(backend);
      } catch (error) {
        notes.push(`${backend}: not measured (${error instanceof Error ? error.message : String(error)})`);
        continue;
      }
      const a = tf.randomNormal([m, k]);
      const b = tf.randomNormal([k, n]);
      // The cpu backend needs seconds per multiply at full size, so it gets fewer repetitions.
      const slow = backend === 'cpu';
      const counts = options.quick ? { warmup: 1, repetitions: 2 } : { warmup: 1, repetitions: slow ? 3 : 7 };
      const measure = async (name: string) => {
        const figure = await repeat(name, 'GFLOP/s', counts, () => {
          const started = performance.now();
          const c = tf.matMul(a, b);
          c.dataSync();
          c.dispose();
          return flops / ((performance.now() - started) / 1000) / 1e9;
        });
        figures.push(figure);
        backendFigures.push(figure);
        options.log(`  ${name}: ${figure.median.toFixed(2)} GFLOP/s`);
      };
      if (backend === 'wasm') {
        // The stock kernel first, then the kernel that recipes use by default (threads: auto).
        await useWasmMatMulThreads(1);
        await measure('wasm backend, stock kernel (1 thread)');
        const threads = threadCount('auto');
        if (threads > 1) {
          await useWasmMatMulThreads(threads);
          await measure(`wasm backend, split across ${threads} threads (threads: auto)`);
          await useWasmMatMulThreads(1);
        }
      } else {
        await measure(`${backend} backend`);
      }
      tf.dispose([a, b]);
    }

    const parallel = await wasmWorkers(2, m, k, n, options.quick ? 2 : 5);
    figures.push(figureOf('wasm, 2 worker threads at once (sum)', 'GFLOP/s', parallel));
    notes.push('"2 worker threads at once": two TensorFlow.js wasm instances in worker_threads each multiply the whole product at the same time; the upper bound for two threads');

    const threaded = await wasmThreadedProbe(options, m, k, n);
    if (threaded.gflops.length > 0) {
      figures.push(figureOf(`wasm threaded build (XNNPACK reports ${threaded.threads} thread(s))`, 'GFLOP/s', threaded.gflops));
    }
    notes.push(
      threaded.loaded
        ? `threaded wasm build: loads under Node ${process.versions.node} once the blob: script URLs are replaced by files, but XNNPACK's pool reports ${threaded.threads} thread(s) after setThreadsCount(2)`
        : `threaded wasm build: failed to load (${threaded.error})`,
    );

    const numpy = await runPython(options.python, join(options.root, 'bench', 'python', 'matmul.py'), [`${m},${k},${n}`, '2', options.quick ? '3' : '9'], options.log);
    if (numpy.ok) {
      const result = numpy.result as { gflops: number[]; numpy: string; blas: string };
      const numpyFigure = figureOf('numpy', 'GFLOP/s', result.gflops);
      figures.push(numpyFigure);
      notes.push(`numpy ${result.numpy} with ${result.blas}, using every core of the machine`);
      const best = backendFigures.reduce((top, figure) => (figure.median > top.median ? figure : top));
      ratios.push(ratioOf(`best backend (${best.name}) / numpy`, best.median / numpyFigure.median, 0.5));
      // One BLAS thread against the stock wasm kernel compares what each gets from one core (SIMD width, FMA).
      const oneThread = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
      const single = await runPython(options.python, join(options.root, 'bench', 'python', 'matmul.py'), [`${m},${k},${n}`, '2', options.quick ? '3' : '9'], options.log, oneThread);
      const stockWasm = backendFigures.find((figure) => figure.name.startsWith('wasm backend, stock kernel'));
      if (single.ok) {
        const singleFigure = figureOf('numpy, 1 BLAS thread', 'GFLOP/s', (single.result as { gflops: number[] }).gflops);
        figures.push(singleFigure);
        if (stockWasm !== undefined) ratios.push(ratioOf('wasm stock kernel / numpy, one core each', stockWasm.median / singleFigure.median));
      }
    } else {
      const hint = numpy.reason.includes('bench:python-install') ? '' : '; run `npm run bench:python-install`';
      notes.push(`numpy baseline skipped: ${numpy.reason}${hint}`);
      options.log(`  scenario 1, numpy baseline skipped: ${numpy.reason}${hint}`);
    }
    return { figures, ratios, notes };
  },
};

/** GFLOP/s summed over `count` wasm workers multiplying at the same time, per repetition. */
async function wasmWorkers(count: number, m: number, k: number, n: number, repetitions: number): Promise<number[]> {
  const start = new SharedArrayBuffer(4);
  const script = new URL('../lib/matmulWorker.mjs', import.meta.url);
  const workers = Array.from({ length: count }, () => new Worker(script, { workerData: { m, k, n, repetitions, start } }));
  const results = workers.map(
    (worker) =>
      new Promise<number[]>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  // Give both workers time to load wasm and warm up before releasing them together.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const flag = new Int32Array(start);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  const perWorker = await Promise.all(results);
  await Promise.all(workers.map((worker) => worker.terminate()));
  return Array.from({ length: repetitions }, (_, index) => perWorker.reduce((sum, values) => sum + (values[index] ?? 0), 0));
}

interface ThreadedProbe {
  readonly loaded: boolean;
  readonly threads: number;
  readonly gflops: number[];
  readonly error: string;
}

function wasmThreadedProbe(options: ScenarioOptions, m: number, k: number, n: number): Promise<ThreadedProbe> {
  return new Promise((resolve) => {
    const script = join(options.root, 'bench', 'lib', 'wasmThreadedProbe.mjs');
    const child = spawn(process.execPath, [script, '2', `${m},${k},${n}`], { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', () => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as ThreadedProbe);
      } catch {
        resolve({ loaded: false, threads: 0, gflops: [], error: stderr.trim().split('\n')[0] ?? 'no output' });
      }
    });
  });
}
