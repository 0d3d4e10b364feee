import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../framework/run/writeFileAtomic.ts';
import { collectSourceTags } from '../../framework/tracking/collectSourceTags.ts';
import { readTrackingRecord, TRACKING_FILE, type TrackedStage, type TrackingRecord } from '../../framework/tracking/TrackingRecord.ts';
import type { RunInfo, RunStatus, Tracker } from './Tracker.ts';

/**
 * Writes the run's metrics into its directory. Each logged step value is one
 * JSON line in `metrics.jsonl`, appended as it comes, so a crash keeps what
 * was logged. The final metrics of every stage go to `metrics.json`, and the
 * times, statuses and source tags of the run and its stages to `tracking.json`.
 * These files are all that `experiment sync` needs to rebuild the run on an
 * MLflow server.
 */
export class LocalTracker implements Tracker {
  private directory = '';
  private readonly final: Record<string, Record<string, number | string>> = {};
  private record: TrackingRecord | undefined;
  private stageTypes: Record<string, string> = {};

  constructor(private readonly experimentName?: string) {}

  async start(run: RunInfo): Promise<void> {
    this.directory = run.directory;
    this.stageTypes = stageTypesOf(run.recipe);
    const existing = run.resumed === true ? readTrackingRecord(run.directory) : undefined;
    if (existing !== undefined) {
      this.continueRecord(existing);
      return;
    }
    this.record = {
      runId: run.runId,
      recipeName: run.recipeName,
      ...(this.experimentName === undefined ? {} : { experimentName: this.experimentName }),
      startTime: Date.now(),
      status: 'RUNNING',
      pid: process.pid,
      tags: {
        ...collectSourceTags(run.recipeFile, run.backend),
        ...(run.parent === undefined ? {} : { ...run.parent.tags, 'mlflow.parentRunId': run.parent.runId }),
      },
      stages: [],
    };
    this.saveRecord();
  }

  /**
   * Continues the record of a resumed run: status RUNNING again under this
   * process, the end and error cleared, and the final metrics kept. Stages
   * that did not finish are started again by the run and get a new entry.
   */
  private continueRecord(existing: TrackingRecord): void {
    const { endTime: _endTime, error: _error, ...rest } = existing;
    this.record = { ...rest, status: 'RUNNING', pid: process.pid, stages: existing.stages.filter((stage) => stage.status === 'FINISHED') };
    const metricsPath = join(this.directory, 'metrics.json');
    if (existsSync(metricsPath)) {
      Object.assign(this.final, JSON.parse(readFileSync(metricsPath, 'utf8')) as Record<string, Record<string, number | string>>);
    }
    this.saveRecord();
  }

  async startStage(stage: string): Promise<void> {
    const finished = this.stage(stage);
    // A resumed run reaches stages it finished before: their entry stays as it was.
    if (finished !== undefined && finished.status === 'FINISHED') return;
    const type = this.stageTypes[stage];
    this.record?.stages.push({ name: stage, ...(type === undefined ? {} : { type }), startTime: Date.now(), status: 'RUNNING' });
    this.saveRecord();
  }

  logStep(stage: string, values: Readonly<Record<string, number>>, step: number): void {
    const timestamp = Date.now();
    const lines = Object.entries(values).map(([key, value]) =>
      JSON.stringify({ stage, key, step, value: encodeNumber(value), timestamp }),
    );
    appendFileSync(join(this.directory, 'metrics.jsonl'), `${lines.join('\n')}\n`);
    const tracked = this.stage(stage);
    if (tracked !== undefined && step > (tracked.lastStep ?? Number.NEGATIVE_INFINITY)) tracked.lastStep = step;
  }

  logFinal(stage: string, values: Readonly<Record<string, number>>): void {
    const encoded = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, encodeNumber(value)]));
    this.final[stage] = { ...this.final[stage], ...encoded };
    writeFileAtomic(join(this.directory, 'metrics.json'), `${JSON.stringify(this.final, null, 2)}\n`);
    const tracked = this.stage(stage);
    if (tracked !== undefined) tracked.finalTime = Date.now();
    this.saveRecord();
  }

  async endStage(stage: string, status: RunStatus, error?: string): Promise<void> {
    const tracked = this.stage(stage);
    if (tracked === undefined) return;
    tracked.status = status;
    tracked.endTime = Date.now();
    if (error !== undefined) tracked.error = error;
    this.saveRecord();
  }

  async end(status: RunStatus, error?: string): Promise<void> {
    if (this.record === undefined) return;
    for (const stage of this.record.stages) {
      if (stage.status === 'RUNNING') {
        stage.status = status === 'FINISHED' ? 'FAILED' : status;
        stage.endTime = Date.now();
        if (error !== undefined) stage.error = error;
      }
    }
    this.record.status = status;
    this.record.endTime = Date.now();
    if (error !== undefined) this.record.error = error;
    this.saveRecord();
  }

  private stage(name: string): TrackedStage | undefined {
    const stages = this.record?.stages ?? [];
    for (let index = stages.length - 1; index >= 0; index--) {
      if (stages[index]?.name === name) return stages[index];
    }
    return undefined;
  }

  private saveRecord(): void {
    if (this.record === undefined) return;
    writeFileAtomic(join(this.directory, TRACKING_FILE), `${JSON.stringify(this.record, null, 2)}\n`);
  }
}

/** JSON has no NaN or infinities; keep them readable instead of turning them into null. */
function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** Maps each stage of a resolved recipe to its `type`. */
function stageTypesOf(recipe: unknown): Record<string, string> {
  const stages = (recipe as { stages?: Record<string, { type?: unknown }> } | undefined)?.stages ?? {};
  const types: Record<string, string> = {};
  for (const [name, settings] of Object.entries(stages)) {
    if (typeof settings?.type === 'string') types[name] = settings.type;
  }
  return types;
}
