import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backbone } from '../../components/backbone/Backbone.ts';
import type { Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import { hubCacheDirectory, resolveHubReference } from '../../framework/hub/resolveHubReference.ts';
import { Random } from '../../framework/random/Random.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import { useBackend } from '../backend/backends.ts';
import { STUDENT_EXPORT } from './seededStudent.ts';

const MAIN_COMMIT = 'a'.repeat(40);
const TAGGED_COMMIT = 'b'.repeat(40);

/**
 * Builds a Hub cache in the layout huggingface_hub writes: refs/main and
 * refs/v1 name commits, and each snapshot contains the student export's files
 * (v1 without model.safetensors, like an interrupted download).
 */
async function fakeHubCache(): Promise<string> {
  const cache = await mkdtemp(join(tmpdir(), 'hub-cache-'));
  const model = join(cache, 'models--newsrec--tiny-bert');
  await mkdir(join(model, 'refs'), { recursive: true });
  await writeFile(join(model, 'refs', 'main'), MAIN_COMMIT);
  await writeFile(join(model, 'refs', 'v1'), `${TAGGED_COMMIT}\n`);
  for (const commit of [MAIN_COMMIT, TAGGED_COMMIT]) {
    const snapshot = join(model, 'snapshots', commit);
    await mkdir(snapshot, { recursive: true });
    for (const file of await readdir(STUDENT_EXPORT)) {
      if (commit === TAGGED_COMMIT && file === 'model.safetensors') continue;
      await copyFile(join(STUDENT_EXPORT, file), join(snapshot, file));
    }
  }
  return cache;
}

const notDownloaded = 'The framework does not download models; run `huggingface-cli download';

describe('Hugging Face Hub cache', () => {
  let cache: string;

  beforeAll(async () => {
    cache = await fakeHubCache();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('locates the cache like huggingface_hub', () => {
    expect(hubCacheDirectory({ HF_HUB_CACHE: '/caches/hub', HF_HOME: '/home/hf' })).toBe('/caches/hub');
    expect(hubCacheDirectory({ HF_HOME: '/home/hf' })).toBe('/home/hf/hub');
    expect(hubCacheDirectory({})).toBe(join(homedir(), '.cache/huggingface/hub'));
  });

  it('resolves refs/main to its snapshot', () => {
    const snapshot = resolveHubReference('hf:newsrec/tiny-bert', ['config.json'], { HF_HUB_CACHE: cache });
    expect(snapshot).toBe(join(cache, 'models--newsrec--tiny-bert/snapshots', MAIN_COMMIT));
  });

  it('resolves a tag or a commit hash', () => {
    const environment = { HF_HOME: join(cache, '..', 'unused'), HF_HUB_CACHE: cache };
    expect(resolveHubReference('hf:newsrec/tiny-bert@v1', [], environment)).toBe(join(cache, 'models--newsrec--tiny-bert/snapshots', TAGGED_COMMIT));
    expect(resolveHubReference(`hf:newsrec/tiny-bert@${MAIN_COMMIT}`, [], environment)).toBe(
      join(cache, 'models--newsrec--tiny-bert/snapshots', MAIN_COMMIT),
    );
  });

  it('names the download for a missing model', () => {
    expect(() => resolveHubReference('hf:google-bert/bert-base-uncased', [], { HF_HUB_CACHE: cache })).toThrow(
      `hf:google-bert/bert-base-uncased: model not found (no ${cache}/models--google-bert--bert-base-uncased) in the Hugging Face cache ${cache}. ` +
        `${notDownloaded} google-bert/bert-base-uncased\` where the Hub is reachable, or set HF_HUB_CACHE or HF_HOME to the cache that has it`,
    );
  });

  it('names the download for a missing revision', () => {
    expect(() => resolveHubReference('hf:newsrec/tiny-bert@v2', [], { HF_HUB_CACHE: cache })).toThrow(
      `hf:newsrec/tiny-bert@v2: revision v2 not found (no ${cache}/models--newsrec--tiny-bert/refs/v2) in the Hugging Face cache ${cache}. ` +
        `${notDownloaded} newsrec/tiny-bert --revision v2\``,
    );
  });

  it('names the download for a missing file', () => {
    const snapshot = join(cache, 'models--newsrec--tiny-bert/snapshots', TAGGED_COMMIT);
    expect(() => resolveHubReference('hf:newsrec/tiny-bert@v1', ['config.json', 'model.safetensors'], { HF_HUB_CACHE: cache })).toThrow(
      `hf:newsrec/tiny-bert@v1: model.safetensors not found in snapshot ${snapshot} in the Hugging Face cache ${cache}. ` +
        `${notDownloaded} newsrec/tiny-bert --revision v1 model.safetensors\``,
    );
  });

  it('rejects a malformed reference', () => {
    expect(() => resolveHubReference('hf:newsrec/tiny/bert', [], { HF_HUB_CACHE: cache })).toThrow(
      'invalid Hub reference "hf:newsrec/tiny/bert"; expected hf:org/name or hf:org/name@revision',
    );
  });

  it('loads backbone and tokenizer from hf:', async () => {
    await useBackend('wasm');
    vi.stubEnv('HF_HUB_CACHE', cache);
    const registry = createRegistry();
    const logs: string[] = [];
    const tokenizer = await registry.create<Tokenizer>('tokenizer', { type: 'wordpiece', checkpoint: 'hf:newsrec/tiny-bert' }, {
      texts: () => [],
      resolvePath: (path: string) => `/recipes/${path}`,
    });
    expect(tokenizer.vocabSize).toBe(400);
    const backbone = await registry.create<Backbone>('backbone', { type: 'bert', checkpoint: 'hf:newsrec/tiny-bert' }, {
      vocabularySize: tokenizer.vocabSize,
      random: new Random(1),
      resolvePath: (path: string) => `/recipes/${path}`,
      log: (message: string) => logs.push(message),
    });
    expect(backbone.hiddenSize).toBe(16);
    expect(logs[0]).toContain(`from ${join(cache, 'models--newsrec--tiny-bert/snapshots', MAIN_COMMIT)}`);
    backbone.dispose();
  });

  it('backbone setting reports a missing model', async () => {
    vi.stubEnv('HF_HUB_CACHE', cache);
    await expect(
      createRegistry().create('backbone', { type: 'bert', checkpoint: 'hf:newsrec/absent' }, {
        vocabularySize: 400,
        random: new Random(1),
        resolvePath: (path: string) => path,
        log: () => {},
      }),
    ).rejects.toThrow(`${notDownloaded} newsrec/absent\``);
  });

  it('tokenizer setting reports a missing model', async () => {
    vi.stubEnv('HF_HUB_CACHE', cache);
    await expect(
      createRegistry().create('tokenizer', { type: 'wordpiece', checkpoint: 'hf:newsrec/absent' }, { texts: () => [], resolvePath: (path: string) => path }),
    ).rejects.toThrow(`${notDownloaded} newsrec/absent\``);
  });
});
