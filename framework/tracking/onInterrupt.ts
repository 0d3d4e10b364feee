/**
 * Runs `handler` once on the first SIGINT or SIGTERM, then exits with the
 * shell's code for that signal (130 or 143). A second signal while the
 * handler runs exits at once. Returns a function that removes the handlers.
 */
export function onInterrupt(handler: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let handling = false;
  const listener = (signal: NodeJS.Signals) => {
    const exitCode = signal === 'SIGINT' ? 130 : 143;
    if (handling) process.exit(exitCode);
    handling = true;
    handler(signal).then(
      () => process.exit(exitCode),
      (error: unknown) => {
        process.stderr.write(`error while recording the interrupted run: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(exitCode);
      },
    );
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
