import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './writeFileAtomic.ts';

/** Status of a run as kept in `run.json`. */
export interface RunRecord {
  runId: string;
  recipe: string;
  recipeFile: string;
  status: 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
  backend: string;
  startedAt: string;
  endedAt?: string;
  error?: string;
  /** The `--set` flags of the run, so `experiment run --resume` loads the same recipe. */
  overrides?: string[];
  /** The stage cache the run uses: off (`--no-cache`) or its directory. `--resume` keeps it unless its own flags set another. */
  cache?: { enabled: boolean; directory?: string };
  /** Times the run was continued with `experiment run --resume`. */
  resumedAt?: string[];
  stages: Record<string, StageRecord>;
}

/** One stage in `run.json`; a stage reused from the stage cache has `cached` with the entry's key and directory. */
export interface StageRecord {
  status: string;
  seconds?: number;
  cached?: { key: string; directory: string };
}

/**
 * The local directory of one run: the recipe as written and as resolved,
 * `run.json` (status, times, backend), `log.txt`, the tracker's metric files,
 * and each stage's saved models under `stages/<stage>/`.
 */
export class RunDirectory {
  readonly record: RunRecord;

  private constructor(
    readonly path: string,
    record: RunRecord,
  ) {
    this.record = record;
  }

  /** Creates `<root>/<recipe name>/<UTC time>-<random suffix>/`. */
  static create(root: string, recipeName: string, recipeFile: string): RunDirectory {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
    const runId = `${stamp}-${randomBytes(3).toString('hex')}`;
    const path = join(root, recipeName, runId);
    mkdirSync(path, { recursive: true });
    return new RunDirectory(path, {
      runId,
      recipe: recipeName,
      recipeFile,
      status: 'RUNNING',
      backend: 'not selected yet',
      startedAt: new Date().toISOString(),
      stages: {},
    });
  }

  /** Opens an existing run directory to continue it; raises an error when it has no readable `run.json`. */
  static open(path: string): RunDirectory {
    const recordPath = join(path, 'run.json');
    if (!existsSync(recordPath)) {
      throw new Error(`${path} is not a run directory: ${recordPath} not found`);
    }
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as RunRecord;
    return new RunDirectory(path, record);
  }

  stageDirectory(stage: string): string {
    const path = join(this.path, 'stages', stage);
    mkdirSync(path, { recursive: true });
    return path;
  }

  writeText(name: string, contents: string): void {
    writeFileAtomic(join(this.path, name), contents);
  }

  appendLog(line: string): void {
    appendFileSync(join(this.path, 'log.txt'), `${line}\n`);
  }

  saveRecord(): void {
    this.writeText('run.json', `${JSON.stringify(this.record, null, 2)}\n`);
  }
}
