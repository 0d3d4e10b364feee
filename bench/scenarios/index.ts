import type { Scenario } from '../lib/ScenarioOptions.ts';
import { encodingScenario } from './encoding.ts';
import { kernelScenario } from './kernel.ts';

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: readonly Scenario[] = [kernelScenario, encodingScenario];
