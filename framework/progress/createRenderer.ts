import type { CommandIO, Logger } from '../run/Logger.ts';
import { BarRenderer } from './BarRenderer.ts';
import { JsonRenderer } from './JsonRenderer.ts';
import { PlainRenderer } from './PlainRenderer.ts';
import type { ProgressReporter } from './ProgressEvent.ts';
import { QuietRenderer } from './QuietRenderer.ts';

/** Progress display of `experiment run`; `auto` picks bars on a terminal and plain lines elsewhere. */
export type ProgressMode = 'auto' | 'bars' | 'plain' | 'json' | 'quiet';

/**
 * Creates the renderer for a mode. `auto` draws bars only when stdout is a terminal
 * and TERM is not `dumb`, so pipes, files and CI logs get plain lines.
 */
export function createRenderer(mode: ProgressMode, io: CommandIO): ProgressReporter {
  switch (mode) {
    case 'json':
      return new JsonRenderer(io);
    case 'quiet':
      return new QuietRenderer(io);
    case 'plain':
      return new PlainRenderer(io);
    case 'bars':
      return new BarRenderer(io);
    case 'auto': {
      const terminal = (io.stdout as { isTTY?: boolean }).isTTY === true && process.env.TERM !== 'dumb';
      return terminal ? new BarRenderer(io) : new PlainRenderer(io);
    }
  }
}

/** A logger whose messages become `log` events of a reporter, so that each renderer places them. */
export function progressLogger(reporter: ProgressReporter): Logger {
  return {
    info: (message) => reporter.emit({ event: 'log', time: Date.now(), level: 'info', message }),
    warn: (message) => reporter.emit({ event: 'log', time: Date.now(), level: 'warning', message }),
  };
}
