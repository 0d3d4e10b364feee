import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TokenMatrix, Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import { writeFileAtomic } from '../run/writeFileAtomic.ts';

/** Bump when the file layout changes, so that old files are not read. */
const FORMAT_VERSION = 1;
const MAGIC = 0x4b544e4e; // 'NNTK' read as a little-endian uint32
const HEADER_BYTES = 16;
/** The tokenizer implementation, whose source files are hashed into every file name. */
const TOKENIZER_SOURCE_DIRECTORY = resolve(import.meta.dirname, '..', '..', 'components', 'tokenizer');

let builtinTokenizerCodeVersion: string | undefined;

/**
 * Token matrices on disk, so that a corpus is tokenized once per tokenizer,
 * text field and length instead of once per run. A file's name is a hash of
 * the tokenizer code version, the tokenizer's vocabulary and options, the
 * field, the length and every text, so any change to one of them makes a new
 * file. Files are written
 * under a temporary name and renamed, so a reader never sees half a file.
 */
export class TokenMatrixStore {
  private readonly fingerprints = new WeakMap<Tokenizer, string | undefined>();

  /**
   * `codeVersion` defaults to a hash of the source files in
   * components/tokenizer, so an edit of the tokenizer code gives new files.
   */
  constructor(
    readonly directory: string,
    private readonly codeVersion: string = defaultTokenizerCodeVersion(),
  ) {}

  /**
   * Returns the matrix from disk when a file for these inputs exists, else
   * calls `encode()` and saves its result. Tokenizers without a fingerprint (plug-ins
   * that expose no vocabulary) are always encoded.
   */
  matrix(tokenizer: Tokenizer, field: string, texts: readonly string[], length: number, encode: () => TokenMatrix): TokenMatrix {
    const fingerprint = this.fingerprint(tokenizer);
    if (fingerprint === undefined) return encode();
    const hash = createHash('sha256').update(`${this.codeVersion}\n${fingerprint}\n${field}\n${length}\n${texts.length}\n`);
    for (const text of texts) hash.update(text).update('\u0000');
    const file = join(this.directory, `${field}-${length}-${hash.digest('hex').slice(0, 24)}.bin`);
    const stored = readMatrix(file, texts.length, length);
    if (stored !== undefined) return stored;
    const matrix = encode();
    mkdirSync(this.directory, { recursive: true });
    writeFileAtomic(file, serialize(matrix));
    return matrix;
  }

  private fingerprint(tokenizer: Tokenizer): string | undefined {
    if (!this.fingerprints.has(tokenizer)) this.fingerprints.set(tokenizer, tokenizerFingerprint(tokenizer));
    return this.fingerprints.get(tokenizer);
  }
}

/**
 * Hashes what decides a tokenizer's output: its class, vocabulary, options
 * and special tokens (what WordPieceTokenizer reads from vocab.txt and
 * tokenizer_config.json). Undefined for a tokenizer that exposes no vocabulary.
 */
export function tokenizerFingerprint(tokenizer: Tokenizer): string | undefined {
  const described = tokenizer as Tokenizer & { vocabulary?: unknown; options?: unknown; specialTokens?: unknown };
  if (!Array.isArray(described.vocabulary)) return undefined;
  const description = JSON.stringify({
    version: FORMAT_VERSION,
    class: tokenizer.constructor.name,
    vocabulary: described.vocabulary,
    options: described.options ?? null,
    specialTokens: described.specialTokens ?? null,
    padId: tokenizer.padId,
  });
  return createHash('sha256').update(description).digest('hex');
}

/**
 * Hashes the names and contents of the .ts, .js and .mjs files directly in
 * `directory` (by default components/tokenizer), in name order.
 * NOTE: a tokenizer plug-in outside that folder contributes only its class
 * name, vocabulary and options to the key, not its code.
 */
export function tokenizerCodeVersion(directory: string = TOKENIZER_SOURCE_DIRECTORY): string {
  const hash = createHash('sha256');
  const files = readdirSync(directory)
    .filter((name) => /\.(ts|js|mjs)$/.test(name))
    .sort();
  for (const name of files) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(directory, name)));
  }
  return hash.digest('hex');
}

function defaultTokenizerCodeVersion(): string {
  builtinTokenizerCodeVersion ??= tokenizerCodeVersion();
  return builtinTokenizerCodeVersion;
}

/**
 * Returns the token cache directory: `NEWSREC_TOKEN_CACHE_DIR`, else a path
 * in `NEWSREC_TOKEN_CACHE` (the older setting), else `tokens` inside
 * `NEWSREC_CACHE_DIR` (the stage cache directory), else `.cache/tokens` under
 * the working directory. Undefined when `NEWSREC_TOKEN_CACHE` is `off`.
 */
export function resolveTokenCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.NEWSREC_TOKEN_CACHE;
  if (setting === 'off') return undefined;
  const chosen = [env.NEWSREC_TOKEN_CACHE_DIR, setting].find((value) => value !== undefined && value !== '');
  if (chosen !== undefined) return resolve(chosen);
  const stageCache = env.NEWSREC_CACHE_DIR;
  if (stageCache !== undefined && stageCache !== '') return resolve(stageCache, 'tokens');
  return resolve('.cache', 'tokens');
}

/** Names of the files that TokenMatrixStore writes, and of their temporary files left by a killed write. */
const STORE_FILE = /^[a-z]+-\d+-[0-9a-f]{24}\.bin(\.\d+\.tmp)?$/;

/**
 * Removes every token matrix file in `directory` (other files stay), or only
 * counts them when `dryRun` is set. Returns the number of files and bytes.
 */
export function clearTokenMatrices(directory: string, dryRun: boolean): { files: number; bytes: number } {
  if (!existsSync(directory)) return { files: 0, bytes: 0 };
  let files = 0;
  let bytes = 0;
  for (const name of readdirSync(directory)) {
    if (!STORE_FILE.test(name)) continue;
    const file = join(directory, name);
    if (!existsSync(file)) continue;
    files += 1;
    bytes += statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (!dryRun) rmSync(file, { force: true });
  }
  return { files, bytes };
}

/** Creates the store in the directory that `resolveTokenCacheDirectory` returns; undefined when the cache is off. */
export function defaultTokenMatrixStore(): TokenMatrixStore | undefined {
  const directory = resolveTokenCacheDirectory();
  return directory === undefined ? undefined : new TokenMatrixStore(directory);
}

/** Header (magic, version, rows, length as uint32), input ids as int32, attention mask as uint8. */
function serialize(matrix: TokenMatrix): Uint8Array {
  const cells = matrix.count * matrix.length;
  const bytes = new Uint8Array(HEADER_BYTES + cells * 5);
  const header = new DataView(bytes.buffer);
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, FORMAT_VERSION, true);
  header.setUint32(8, matrix.count, true);
  header.setUint32(12, matrix.length, true);
  new Int32Array(bytes.buffer, HEADER_BYTES, cells).set(matrix.inputIds);
  bytes.set(Uint8Array.from(matrix.attentionMask), HEADER_BYTES + cells * 4);
  return bytes;
}

/** Reads a stored matrix; undefined when the file is missing or does not hold `count` x `length` cells of this format. */
function readMatrix(file: string, count: number, length: number): TokenMatrix | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    // `cache prune --all` in another process may remove the file at any time.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const cells = count * length;
  if (buffer.byteLength !== HEADER_BYTES + cells * 5) return undefined;
  const header = new DataView(buffer.buffer, buffer.byteOffset, HEADER_BYTES);
  if (header.getUint32(0, true) !== MAGIC || header.getUint32(4, true) !== FORMAT_VERSION) return undefined;
  if (header.getUint32(8, true) !== count || header.getUint32(12, true) !== length) return undefined;
  // Copies, because the Int32Array view needs 4-byte alignment that Buffer's pooled offset may lack.
  const inputIds = new Int32Array(cells);
  new Uint8Array(inputIds.buffer).set(buffer.subarray(HEADER_BYTES, HEADER_BYTES + cells * 4));
  const attentionMask = Int32Array.from(buffer.subarray(HEADER_BYTES + cells * 4));
  return { count, length, inputIds, attentionMask };
}
