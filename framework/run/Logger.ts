import type { Writable } from 'node:stream';

/** Where a run reports progress; injected so tests capture output and quiet modes are one switch. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Output streams of a command (process.stdout/stderr in the CLI, buffers in tests). */
export interface CommandIO {
  readonly stdout: Pick<Writable, 'write'>;
  readonly stderr: Pick<Writable, 'write'>;
}

/** A logger writing plain lines: information to stdout, warnings to stderr. */
export function streamLogger(io: CommandIO, extraSink?: (line: string) => void): Logger {
  return {
    info(message) {
      io.stdout.write(`${message}\n`);
      extraSink?.(message);
    },
    warn(message) {
      io.stderr.write(`warning: ${message}\n`);
      extraSink?.(`warning: ${message}`);
    },
  };
}
