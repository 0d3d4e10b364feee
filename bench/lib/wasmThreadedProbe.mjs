// Tries the multi-threaded build of @tensorflow/tfjs-backend-wasm 4.22 under
// Node and prints one JSON line: whether it loaded, XNNPACK's thread count and
// matmul GFLOP/s. The package turns threads off under Node
// (WASM_HAS_MULTITHREAD_SUPPORT is false when IS_NODE), and its loader hands
// Emscripten blob: URLs for the pthread worker and main scripts, which
// worker_threads cannot open. This probe forces the flag and writes both
// scripts to files instead.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const [threadsText = '2', sizeText = '2048,384,1536'] = process.argv.slice(2);
const [m, k, n] = sizeText.split(',').map(Number);
const directory = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
const require = createRequire(import.meta.url);
const packageDirectory = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const mainScript = join(directory, 'main.js');
writeFileSync(mainScript, readFileSync(join(packageDirectory, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'), 'utf8'));

const NativeBlob = globalThis.Blob;
class TextBlob extends NativeBlob {
  constructor(parts, options) {
    super(parts, options);
    this.textParts = parts;
  }
}
globalThis.Blob = TextBlob;
const nativeCreateObjectUrl = URL.createObjectURL;
URL.createObjectURL = (blob) => {
  const parts = blob.textParts;
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'string')) return nativeCreateObjectUrl(blob);
  // The pthread worker script: load the main script from its file, not from a posted Blob.
  const original = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}';
  const text = parts.join('');
  if (!text.includes(original)) throw new Error('unexpected pthread worker script: its loader line changed');
  const file = join(directory, 'worker.js');
  writeFileSync(file, text.replace(original, `if(true){importScripts(${JSON.stringify(mainScript)})}`));
  return file;
};

const result = { loaded: false, threads: 0, gflops: [], error: '' };
try {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(Number(threadsText));
  result.loaded = await tf.setBackend('wasm');
  result.threads = wasm.getThreadsCount();
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  for (let i = 0; i < 4; i++) {
    const begun = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    if (i > 0) result.gflops.push((2 * m * k * n) / ((performance.now() - begun) / 1000) / 1e9);
  }
} catch (error) {
  result.error = error instanceof Error ? error.message : String(error);
}
rmSync(directory, { recursive: true, force: true });
console.log(JSON.stringify(result));
process.exit(0);
