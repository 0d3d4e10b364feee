import type { Scenario } from '../lib/ScenarioOptions.ts';
import { dataScenario } from './data.ts';
import { encodingScenario } from './encoding.ts';
import { evaluationScenario } from './evaluation.ts';
import { kernelScenario } from './kernel.ts';
import { memoryScenario } from './memory.ts';
import { pytorchScenario } from './pytorch.ts';
import { trainingScenario } from './training.ts';

/** Every scenario, in the order `npm run bench` runs them (the numbering of the Performance section of README.md). */
export const SCENARIOS: readonly Scenario[] = [
  kernelScenario,
  encodingScenario,
  trainingScenario,
  evaluationScenario,
  pytorchScenario,
  dataScenario,
  memoryScenario,
];
