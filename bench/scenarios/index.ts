import type { Scenario } from '../lib/ScenarioOptions.ts';
import { encodingScenario } from './encoding.ts';
import { evaluationScenario } from './evaluation.ts';
import { kernelScenario } from './kernel.ts';
import { pytorchScenario } from './pytorch.ts';
import { trainingScenario } from './training.ts';

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: readonly Scenario[] = [kernelScenario, encodingScenario, trainingScenario, evaluationScenario, pytorchScenario];
