import type { CommandIO } from '../run/Logger.ts';
import type { ProgressEvent, ProgressReporter } from './ProgressEvent.ts';

/** Warnings on stderr and the run directory at the end, nothing else. */
export class QuietRenderer implements ProgressReporter {
  constructor(private readonly io: CommandIO) {}

  emit(event: ProgressEvent): void {
    if (event.event === 'log' && event.level === 'warning') {
      this.io.stderr.write(`warning: ${event.message}\n`);
    } else if (event.event === 'summary') {
      this.io.stdout.write(`run directory: ${event.directory}\n`);
    }
  }
}
