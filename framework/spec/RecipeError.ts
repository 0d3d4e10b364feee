/**
 * One problem in a recipe file. `line` and `column` are 1-based; both are 0
 * when the problem has no place in the file (the file cannot be read).
 */
export interface SpecIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted spec path such as `stages.distill.temperature`; empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** Formats an issue as `file:line:column path: message`. */
export function formatIssue(issue: SpecIssue): string {
  const place = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return issue.path === '' ? `${place} ${issue.message}` : `${place} ${issue.path}: ${issue.message}`;
}

/**
 * A recipe that cannot be used, with every problem found in it. This is a
 * user mistake, not a crash: the CLI prints the issues one per line and
 * exits with code 2, without a stack trace.
 */
export class RecipeError extends Error {
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[], options?: ErrorOptions) {
    super(issues.map(formatIssue).join('\n'), options);
    this.name = 'RecipeError';
    this.issues = issues;
  }
}
