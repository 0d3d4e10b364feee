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
 * ends the process at once.
 */
export function handleInterrupts(stderr: Pick<NodeJS.WritableStream, 'write'> = process.stderr): Interruption {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const exitAtOnce = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? 130 : 143);
  const dispose = () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
    process.off('SIGINT', exitAtOnce);
    process.off('SIGTERM', exitAtOnce);
  };
  function listener(signal: NodeJS.Signals): void {
    received = signal;
    stderr.write(
      `\n${signal} received: the run finishes the current step, writes a checkpoint and stops (status KILLED, ` +
        'continue with experiment run --resume RUN_DIR); send it again to exit at once\n',
    );
    controller.abort(new DOMException(`interrupted by ${signal}`, 'AbortError'));
    // A listener runs only between steps, so the second signal gets the default action, which
    // ends the process even inside a long step. Where other code also listens, it exits when it can.
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      if (process.listenerCount(name) > 0) process.once(name, exitAtOnce);
    }
  }
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
