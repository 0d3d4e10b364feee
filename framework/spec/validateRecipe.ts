import { Ajv, type ErrorObject } from 'ajv';
import { checkStageGraph } from '../graph/checkStageGraph.ts';
import { composeSchema } from '../registry/composeSchema.ts';
import type { Registry } from '../registry/Registry.ts';
import type { PathIssue, SpecPath } from './SpecPath.ts';
import { translateSchemaErrors } from './translateSchemaErrors.ts';

/** The outcome of validating recipe data. */
export interface RecipeValidation {
  /** A copy of the data with every schema default filled in. */
  readonly value: unknown;
  readonly issues: PathIssue[];
  /** Stage names in dependency order. */
  readonly stageOrder: string[];
}

/**
 * Validates parsed recipe data against the schema composed from `registry`
 * and checks its stage graph. Defaults are filled in here and nowhere else.
 * The input is not modified.
 */
export function validateRecipe(data: unknown, registry: Registry): RecipeValidation {
  const composed = composeSchema(registry);
  // strict is off because plug-in schemas may use keywords (formats,
  // annotations) that strict mode rejects; they are still checked against
  // the draft-07 meta-schema.
  const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false });
  const validate = ajv.compile(composed.schema);
  const value = structuredClone(data);
  validate(value);
  const errors = validate.errors ?? [];

  const issues = translateSchemaErrors(errors, value, composed, registry);
  const reported = reportedPointers(errors);
  const isReported = (path: SpecPath): boolean => {
    const pointer = toPointer(path);
    return [...reported].some((candidate) => candidate === pointer || candidate.startsWith(`${pointer}/`));
  };
  const graph = checkStageGraph(isMapping(value) ? value : {}, registry, isReported);
  return { value, issues: [...issues, ...graph.issues], stageOrder: graph.order };
}

/** JSON Pointers of the values that schema errors are about (the missing field for `required`). */
function reportedPointers(errors: readonly ErrorObject[]): Set<string> {
  const pointers = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') {
      continue;
    }
    if (error.keyword === 'required') {
      pointers.add(`${error.instancePath}/${escapePointer(String(error.params.missingProperty))}`);
    } else {
      pointers.add(error.instancePath);
    }
  }
  return pointers;
}

function toPointer(path: SpecPath): string {
  return path.map((segment) => `/${escapePointer(String(segment))}`).join('');
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
