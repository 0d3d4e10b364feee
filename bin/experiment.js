#!/usr/bin/env node
// Entry point of the `experiment` command. The framework ships as TypeScript and
// runs through tsx, so recipes may also name plug-ins written in TypeScript.
import { register } from 'tsx/esm/api';

// A reader that stops early (`experiment schema | head`) closes the pipe. The
// command keeps going without its console output, so a run still finishes
// and writes its run directory. Other stream errors stay fatal.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

register();
const { main } = await import('../framework/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
