import type { MindSplit, SplitName } from '../dataset/MindDataset.ts';
import type { StageContext } from '../../framework/training/StageContext.ts';

/** Returns the named split of the run's dataset, or raises an error naming the stage when the dataset lacks it. */
export function requireSplit(context: StageContext, name: SplitName): MindSplit {
  const split = context.dataset.split(name);
  if (split === undefined) {
    throw new Error(`stage ${context.stageName} needs the ${name} split, and the dataset has none (set data.${name})`);
  }
  return split;
}
