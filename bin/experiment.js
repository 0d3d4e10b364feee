#!/usr/bin/env node
// Entry point of the `experiment` command. The framework ships as TypeScript and
// runs through tsx, so recipes may also name plug-ins written in TypeScript.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../framework/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
