// Runs one scenario in its own process, so that each peak RSS is the scenario's
// own, and writes its result as JSON to the file named on the command line.
import { writeFileSync } from 'node:fs';
import type { ScenarioResult } from './lib/Figure.ts';
import { peakRssMiB } from './lib/peakRss.ts';
import { scenarioTitle, type ScenarioOptions } from './lib/ScenarioOptions.ts';
import { SCENARIOS } from './scenarios/index.ts';

const [id, optionsJson, outputFile] = process.argv.slice(2);
const scenario = SCENARIOS.find((candidate) => candidate.id === id);
if (scenario === undefined || optionsJson === undefined || outputFile === undefined) {
  process.stderr.write(`usage: child.ts SCENARIO OPTIONS_JSON OUTPUT_FILE (scenarios: ${SCENARIOS.map((s) => s.id).join(', ')})\n`);
  process.exit(2);
}
const options: ScenarioOptions = { ...(JSON.parse(optionsJson) as Omit<ScenarioOptions, 'log'>), log: (message) => process.stderr.write(`${message}\n`) };
const started = performance.now();
const output = await scenario.run(options);
const result: ScenarioResult = {
  id: scenario.id,
  title: scenarioTitle(scenario, options.quick),
  ...output,
  peakRssMiB: peakRssMiB(),
  seconds: (performance.now() - started) / 1000,
};
writeFileSync(outputFile, JSON.stringify(result));
// Worker threads or wasm thread pools must not keep the process alive.
process.exit(0);
