import type { CommandIO } from '../run/Logger.ts';
import { formatRunSummary } from './formatRunSummary.ts';
import { formatStepLine } from './formatStepLine.ts';
import type { ProgressEvent, ProgressReporter } from './ProgressEvent.ts';
import { StepRate } from './StepRate.ts';

/**
 * Plain lines for logs and pipes: every log message, a step line for the
 * first and last step of each task and otherwise at most one per
 * `intervalSeconds`, and the summary at the end. Warnings go to stderr.
 */
export class PlainRenderer implements ProgressReporter {
  private readonly rates = new Map<string, StepRate>();
  private readonly lastLine = new Map<string, number>();

  constructor(
    private readonly io: CommandIO,
    private readonly intervalSeconds = 10,
  ) {}

  emit(event: ProgressEvent): void {
    switch (event.event) {
      case 'log':
        if (event.level === 'warning') this.io.stderr.write(`warning: ${event.message}\n`);
        else this.io.stdout.write(`${event.message}\n`);
        return;
      case 'step': {
        const key = `${event.stage}\u0000${event.task ?? ''}`;
        const rate = this.rateOf(key).update(event, event.time);
        const last = this.lastLine.get(key);
        const due = last === undefined || event.step >= event.total || event.time - last >= this.intervalSeconds * 1000;
        if (!due) return;
        this.lastLine.set(key, event.time);
        this.io.stdout.write(`${event.stage}: ${formatStepLine(event, rate)}\n`);
        return;
      }
      case 'summary':
        this.io.stdout.write(`\n${formatRunSummary(event)}\n`);
        return;
      default:
        // Stage and run boundaries are already in the log messages.
        return;
    }
  }

  private rateOf(key: string): StepRate {
    let rate = this.rates.get(key);
    if (rate === undefined) {
      rate = new StepRate();
      this.rates.set(key, rate);
    }
    return rate;
  }
}
