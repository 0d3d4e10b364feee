/**
 * Component families a recipe can configure. Each family is a key of the
 * registry; a recipe picks one registered component of a family by its `type`.
 */
export const COMPONENT_KINDS = [
  'backbone',
  'pooling',
  'newsEncoder',
  'userEncoder',
  'clickPredictor',
  'loss',
  'teacherWeighting',
  'tokenizer',
  'dataset',
  'optimizer',
  'stage',
  'tracker',
] as const;

export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** Words used for each family in messages and listings. */
export const KIND_LABELS: Record<ComponentKind, string> = {
  backbone: 'backbone',
  pooling: 'pooling',
  newsEncoder: 'news encoder',
  userEncoder: 'user encoder',
  clickPredictor: 'click predictor',
  loss: 'loss',
  teacherWeighting: 'teacher weighting',
  tokenizer: 'tokenizer',
  dataset: 'dataset',
  optimizer: 'optimizer',
  stage: 'stage',
  tracker: 'tracker',
};

export function isComponentKind(value: string): value is ComponentKind {
  return (COMPONENT_KINDS as readonly string[]).includes(value);
}
