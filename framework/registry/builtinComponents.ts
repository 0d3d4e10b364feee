import type { ComponentDefinition } from './ComponentDefinition.ts';
import { mindDataset } from '../../components/dataset/mind.ts';
import { syntheticMindDataset } from '../../components/dataset/syntheticMind.ts';

/**
 * Every component that ships with newsrec-lab. Definition modules only declare
 * schemas and factories; heavy libraries (TensorFlow.js) are imported inside the
 * factories' modules lazily, so listing and validating stay fast.
 */
export const BUILTIN_COMPONENTS: readonly ComponentDefinition[] = [
  mindDataset,
  syntheticMindDataset,
];
