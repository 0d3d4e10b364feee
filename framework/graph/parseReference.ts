/**
 * What a stage input refers to: a model declared under `models:` (written as
 * its name) or an output of another stage (written `stage.output`).
 */
export type StageReference =
  | { readonly kind: 'model'; readonly model: string }
  | { readonly kind: 'output'; readonly stage: string; readonly output: string };

const REFERENCE = /^([A-Za-z][A-Za-z0-9_-]*)(?:\.([A-Za-z][A-Za-z0-9_-]*))?$/;

/** Splits a reference into its parts, or returns undefined when it is not of either form. */
export function tryParseReference(text: string): StageReference | undefined {
  const match = REFERENCE.exec(text);
  if (match === null) {
    return undefined;
  }
  const [, first, second] = match as unknown as [string, string, string | undefined];
  return second === undefined ? { kind: 'model', model: first } : { kind: 'output', stage: first, output: second };
}

/**
 * Splits a reference into its parts. Recipes are checked when they load, so
 * after `loadRecipe` every reference parses; this throws for any other text.
 */
export function parseReference(text: string): StageReference {
  const reference = tryParseReference(text);
  if (reference === undefined) {
    throw new Error(`invalid reference '${text}': expected a model name or stage.output`);
  }
  return reference;
}

/**
 * The references written in a stage input: one for a single reference, each
 * item for a YAML list. Values of other shapes give none (validation rejects them).
 */
export function referencesOf(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.filter((item): item is string => typeof item === 'string');
  }
  return [];
}
