import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './registerWasmKernels.ts';

export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** A recipe's `backend` value. */
export type BackendRequest = (typeof BACKEND_NAMES)[number];

/** A backend that can run models, in the order `auto` tries them. */
export type BackendName = Exclude<BackendRequest, 'auto'>;

export const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** A backend that `auto` tried and passed over, with the reason to log. */
export interface SkippedBackend {
  readonly name: BackendName;
  readonly reason: string;
}

export interface BackendSelection {
  readonly name: BackendName;
  /** The backend's name in TensorFlow.js, as `tf.getBackend()` returns it. */
  readonly tfBackend: string;
  readonly skipped: readonly SkippedBackend[];
}

/** Raised when an explicitly requested backend cannot be used. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend '${backend}' is not available: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** The npm package that provides each native backend; both register as 'tensorflow' in TensorFlow.js. */
const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier);
}

/** Loads one backend and makes it current; returns the reason when it cannot. */
async function tryBackend(backend: BackendName): Promise<{ tfBackend: string } | { reason: string }> {
  if (backend === 'tensorflow-gpu' || backend === 'tensorflow') {
    const specifier = NATIVE_PACKAGES[backend];
    try {
      // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
      await import(specifier);
    } catch (error) {
      if (isModuleNotFound(error, specifier)) {
        return { reason: `${specifier} is not installed` };
      }
      return { reason: `${specifier} failed to load: ${error instanceof Error ? error.message : String(error)}` };
    }
    // NOTE: tfjs-node registers its backend with the @tensorflow/tfjs-core copy it resolves.
    // When npm installs a second copy for it (a version mismatch), setBackend below cannot find the backend.
    if (!(await tf.setBackend('tensorflow'))) {
      return { reason: `${specifier} loaded but its 'tensorflow' backend failed to initialise` };
    }
    return { tfBackend: 'tensorflow' };
  }

  if (backend === 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch (error) {
      return { reason: `@tensorflow/tfjs-backend-wasm failed to load: ${error instanceof Error ? error.message : String(error)}` };
    }
    registerWasmKernels();
    if (!(await tf.setBackend('wasm'))) {
      return { reason: 'the wasm backend failed to initialise (WebAssembly module not loadable)' };
    }
    return { tfBackend: 'wasm' };
  }

  if (!(await tf.setBackend('cpu'))) {
    return { reason: 'the cpu backend failed to initialise' };
  }
  return { tfBackend: 'cpu' };
}

/**
 * Makes a TensorFlow.js backend current. `auto` tries tensorflow-gpu,
 * tensorflow (both optional npm packages), wasm and cpu in that order and takes
 * the first that loads. The result lists why each earlier one was skipped, so
 * the caller can log it. An explicit request that cannot be met raises
 * BackendUnavailableError instead of falling back.
 */
export async function selectBackend(request: BackendRequest): Promise<BackendSelection> {
  const candidates = request === 'auto' ? AUTO_ORDER : [request];
  const skipped: SkippedBackend[] = [];
  for (const backend of candidates) {
    const outcome = await tryBackend(backend);
    if ('tfBackend' in outcome) {
      return { name: backend, tfBackend: outcome.tfBackend, skipped };
    }
    if (request !== 'auto') {
      throw new BackendUnavailableError(backend, outcome.reason);
    }
    skipped.push({ name: backend, reason: outcome.reason });
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${skipped.map((entry) => `${entry.name}: ${entry.reason}`).join('; ')}`);
}
