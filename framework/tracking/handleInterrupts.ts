/** Ctrl-C handling for one run. */
export interface Interruption {
  /** Aborted, with an AbortError, on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** Ends the process with the signal received, as if it had no handler, so the shell reports 130 or 143. */
  reraise(): void;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Turns the first SIGINT or SIGTERM into an aborted signal: a training stage
 * finishes its current step, writes a checkpoint and stops, and the run
 * records itself as KILLED on the normal error path, ready for
 * `experiment run --resume`. Other stages stop when they end. A second signal
 * exits at once with the shell's code for it.
 */
export function handleInterrupts(stderr: Pick<NodeJS.WritableStream, 'write'> = process.stderr): Interruption {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (received !== undefined) process.exit(signal === 'SIGINT' ? 130 : 143);
    received = signal;
    stderr.write(
      `\n${signal} received: the run finishes the current step, writes a checkpoint and stops (status KILLED, ` +
        'continue with experiment run --resume RUN_DIR); send it again to exit at once\n',
    );
    controller.abort(new DOMException(`interrupted by ${signal}`, 'AbortError'));
  };
  const dispose = () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return {
    signal: controller.signal,
    reraise() {
      dispose();
      if (received !== undefined) process.kill(process.pid, received);
    },
    dispose,
  };
}
