import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../framework/run/writeFileAtomic.ts';
import type { RunInfo, Tracker } from './Tracker.ts';

/**
 * Writes the run's metrics into its directory: one JSON line per logged step
 * value in `metrics.jsonl` (appended as it comes, so a crash keeps what was
 * logged) and the final metrics of every stage in `metrics.json`.
 */
export class LocalTracker implements Tracker {
  private directory = '';
  private readonly final: Record<string, Record<string, number>> = {};

  async start(run: RunInfo): Promise<void> {
    this.directory = run.directory;
  }

  async startStage(): Promise<void> {}

  logStep(stage: string, values: Readonly<Record<string, number>>, step: number): void {
    const timestamp = Date.now();
    const lines = Object.entries(values).map(([key, value]) =>
      JSON.stringify({ stage, key, step, value: encodeNumber(value), timestamp }),
    );
    appendFileSync(join(this.directory, 'metrics.jsonl'), `${lines.join('\n')}\n`);
  }

  logFinal(stage: string, values: Readonly<Record<string, number>>): void {
    this.final[stage] = { ...this.final[stage], ...values };
    writeFileAtomic(join(this.directory, 'metrics.json'), `${JSON.stringify(this.final, null, 2)}\n`);
  }

  async endStage(): Promise<void> {}

  async end(): Promise<void> {}
}

/** JSON has no NaN or infinities; keep them readable instead of turning them into null. */
function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}
