/** Where a value sits in a recipe: mapping keys and list indices from the top. */
export type SpecPath = readonly (string | number)[];

/**
 * Where an issue points in the source: at the key of the field, at its value,
 * or (for a missing field) at the key of the mapping that should contain it.
 */
export type IssueAnchor = 'key' | 'value';

/** A problem found in a recipe, before it is given a file position. */
export interface PathIssue {
  readonly path: SpecPath;
  readonly message: string;
  readonly anchor: IssueAnchor;
}

/** Formats a path as users write it: `stages.distill.temperature`, `plugins[0]`. */
export function formatSpecPath(path: SpecPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? segment : `.${segment}`;
    }
  }
  return text;
}
