import type { CommandIO } from '../run/Logger.ts';
import { formatClock, formatDuration } from './formatDuration.ts';
import { formatRunSummary } from './formatRunSummary.ts';
import { formatRate } from './formatStepLine.ts';
import type { ProgressEvent, ProgressReporter, StepUpdate } from './ProgressEvent.ts';
import { headlineValue, secondsLeft, StepRate } from './StepRate.ts';

/** Erases the current terminal line (carriage return, then ANSI "erase in line"). */
const CLEAR_LINE = '\r\x1b[2K';
const BAR_WIDTH = 24;

interface ActiveBar {
  readonly label: string;
  readonly rate: StepRate;
  readonly started: number;
  update: StepUpdate;
  stepsPerSecond: number;
  drawnAt: number;
}

/**
 * A progress bar per stage task for terminals, redrawn in place at most
 * every `redrawMs`: label, bar, step/total, percent, rate, ETA and the
 * current loss. Log messages are printed above the bar, and a finished task
 * leaves its last bar on screen with the time it took.
 */
export class BarRenderer implements ProgressReporter {
  private bar: ActiveBar | undefined;

  constructor(
    private readonly io: CommandIO & { readonly stdout: { readonly columns?: number } },
    private readonly redrawMs = 100,
  ) {}

  emit(event: ProgressEvent): void {
    switch (event.event) {
      case 'log': {
        const stream = event.level === 'warning' ? this.io.stderr : this.io.stdout;
        if (this.bar !== undefined) this.io.stdout.write(CLEAR_LINE);
        stream.write(`${event.level === 'warning' ? 'warning: ' : ''}${event.message}\n`);
        if (this.bar !== undefined) this.draw(this.bar);
        return;
      }
      case 'step': {
        const label = event.task === undefined ? event.stage : `${event.stage} ${event.task}`;
        if (this.bar !== undefined && this.bar.label !== label) this.close(event.time);
        this.bar ??= { label, rate: new StepRate(), started: event.time, update: event, stepsPerSecond: Number.NaN, drawnAt: Number.NEGATIVE_INFINITY };
        const bar = this.bar;
        bar.update = event;
        bar.stepsPerSecond = bar.rate.update(event, event.time);
        if (event.time - bar.drawnAt >= this.redrawMs || event.step >= event.total) {
          bar.drawnAt = event.time;
          this.io.stdout.write(CLEAR_LINE);
          this.draw(bar);
        }
        return;
      }
      case 'stage-end':
      case 'run-end':
        this.close(event.time);
        return;
      case 'summary':
        this.close(event.time);
        this.io.stdout.write(`\n${formatRunSummary(event)}\n`);
        return;
      default:
        return;
    }
  }

  /** Redraws the finished bar with its total time and moves to a new line. */
  private close(time: number): void {
    const bar = this.bar;
    if (bar === undefined) return;
    this.bar = undefined;
    this.io.stdout.write(CLEAR_LINE);
    this.io.stdout.write(`${this.line(bar, `in ${formatDuration((time - bar.started) / 1000)}`)}\n`);
  }

  private draw(bar: ActiveBar): void {
    const { update } = bar;
    const eta = update.step >= update.total ? 'done' : `ETA ${formatClock(secondsLeft(update, bar.stepsPerSecond))}`;
    this.io.stdout.write(this.line(bar, eta));
  }

  private line(bar: ActiveBar, timing: string): string {
    const { update } = bar;
    const fraction = update.total > 0 ? Math.min(1, update.step / update.total) : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const parts = [
      bar.label,
      `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`,
      `${update.step}/${update.total}`,
      `${Math.floor(fraction * 100)}%`.padStart(4),
      Number.isFinite(bar.stepsPerSecond) ? formatRate(bar.stepsPerSecond) : '- step/s',
      timing,
    ];
    const headline = headlineValue(update.values);
    if (headline !== undefined) parts.push(`${headline[0]} ${headline[1].toFixed(4)}`);
    const text = parts.join('  ');
    // A line longer than the terminal wraps, and the carriage return then redraws only its last row.
    const columns = this.io.stdout.columns ?? 120;
    return text.length >= columns ? text.slice(0, columns - 1) : text;
  }
}
