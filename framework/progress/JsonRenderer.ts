import type { CommandIO } from '../run/Logger.ts';
import type { ProgressEvent, ProgressReporter } from './ProgressEvent.ts';

/**
 * One JSON object per event and line on stdout (JSON Lines), for programs
 * that watch a run. Non-finite values (a NaN loss) are written as strings,
 * because JSON has no NaN.
 */
export class JsonRenderer implements ProgressReporter {
  constructor(private readonly io: CommandIO) {}

  emit(event: ProgressEvent): void {
    this.io.stdout.write(`${JSON.stringify(event, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value))}\n`);
  }
}
