import { Type } from '@sinclair/typebox';

/** The `coef` setting every loss has. */
export const coefSetting = Type.Number({
  minimum: 0,
  default: 1,
  description: 'Weight of this loss in the stage total (Tiny-NewsRec uses 1, and 0.2 on the target loss of stage-2 distillation)',
});
