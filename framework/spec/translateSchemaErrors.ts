import type { ErrorObject } from 'ajv';
import { KIND_LABELS } from '../registry/componentKinds.ts';
import type { ComposedSchema } from '../registry/composeSchema.ts';
import type { Registry } from '../registry/Registry.ts';
import { didYouMean, sortByCloseness } from './closestNames.ts';
import { describeType, describeValue, quote } from './describeValue.ts';
import type { PathIssue, SpecPath } from './SpecPath.ts';

/**
 * Turns ajv errors (from a validator compiled with `verbose: true` and
 * `allErrors: true`) into one plain sentence per problem. Errors that only
 * echo another one are dropped: the "must match then" of every if/then, the
 * type error next to an unknown component name, and the failed branches of
 * an anyOf or oneOf (replaced by one message listing the accepted forms).
 */
export function translateSchemaErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  composed: ComposedSchema,
  registry: Registry,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const seen = new Set<string>();
  for (const error of withoutEchoes(errors)) {
    const issue = translate(error, pathOf(error.instancePath, data), composed, registry);
    const key = `${issue.path.join('\u0000')}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function withoutEchoes(errors: readonly ErrorObject[]): ErrorObject[] {
  // Errors inside propertyNames carry `propertyName`; the propertyNames error itself names the key.
  const kept = errors.filter(
    (error) => error.keyword !== 'if' && (error.keyword === 'propertyNames' || error.propertyName === undefined),
  );

  // For each anyOf/oneOf that failed, keep the errors of a branch whose type
  // matched (they point deeper into the value and are more precise); when no
  // branch matched the type, keep only the anyOf/oneOf error itself.
  const dropped = new Set<ErrorObject>();
  for (const group of kept.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf')) {
    const branchErrors = kept.filter(
      (error) =>
        error !== group &&
        error.schemaPath.startsWith(`${group.schemaPath}/`) &&
        error.instancePath.startsWith(group.instancePath),
    );
    const deeper = branchErrors.filter((error) => error.instancePath !== group.instancePath);
    if (deeper.length > 0) {
      dropped.add(group);
      for (const error of branchErrors) {
        if (error.instancePath === group.instancePath) {
          dropped.add(error);
        }
      }
    } else {
      for (const error of branchErrors) {
        dropped.add(error);
      }
    }
  }
  return kept.filter((error) => !dropped.has(error));
}

/** Decodes a JSON Pointer, giving list indices as numbers. */
function pathOf(pointer: string, data: unknown): SpecPath {
  if (pointer === '') {
    return [];
  }
  const path: (string | number)[] = [];
  let value = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(value)) {
      path.push(Number(segment));
      value = value[Number(segment)];
    } else {
      path.push(segment);
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function translate(error: ErrorObject, path: SpecPath, composed: ComposedSchema, registry: Registry): PathIssue {
  const kind = composed.typeFields.get(error.parentSchema ?? {});
  if (kind !== undefined) {
    // "unknown stage 'x'" would read like a stage name, which the graph check reports.
    const label = kind === 'stage' ? 'stage type' : KIND_LABELS[kind];
    const names = registry.namesOf(kind);
    const registered = names.length > 0 ? `registered: ${names.join(', ')}` : `no ${label} is registered`;
    const message =
      typeof error.data === 'string'
        ? `unknown ${label} ${quote(error.data)}${didYouMean(error.data, names)} (${registered})`
        : `must name a registered ${label}, got ${describeValue(error.data)} (${registered})`;
    return { path, message, anchor: 'value' };
  }

  const params = error.params as Record<string, unknown>;
  const got = `got ${describeValue(error.data)}`;
  switch (error.keyword) {
    case 'type':
      return { path, message: `must be ${typeList(params.type)}, ${got}`, anchor: 'value' };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed.filter(isString)) : '';
      return { path, message: `must be one of ${allowed.map(describeValue).join(', ')}, ${got}${hint}`, anchor: 'value' };
    }
    case 'const':
      return { path, message: `must be ${describeValue(params.allowedValue)}, ${got}`, anchor: 'value' };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${String(params.comparison)} ${String(params.limit)}, ${got}`, anchor: 'value' };
    case 'multipleOf':
      return { path, message: `must be a multiple of ${String(params.multipleOf)}, ${got}`, anchor: 'value' };
    case 'minLength':
      return { path, message: `must have at least ${count(params.limit, 'character')}, ${got}`, anchor: 'value' };
    case 'maxLength':
      return { path, message: `must have at most ${count(params.limit, 'character')}, ${got}`, anchor: 'value' };
    case 'minItems':
      return { path, message: `must have at least ${count(params.limit, 'item')}, got ${lengthOf(error.data)}`, anchor: 'value' };
    case 'maxItems':
      return { path, message: `must have at most ${count(params.limit, 'item')}, got ${lengthOf(error.data)}`, anchor: 'value' };
    case 'uniqueItems':
      return {
        path,
        message: `must not repeat items, but items ${String(params.j)} and ${String(params.i)} are equal`,
        anchor: 'value',
      };
    case 'minProperties':
      return { path, message: `must have at least ${count(params.limit, 'entry', 'entries')}`, anchor: 'value' };
    case 'maxProperties':
      return { path, message: `must have at most ${count(params.limit, 'entry', 'entries')}`, anchor: 'value' };
    case 'pattern':
      return { path, message: `must match the pattern ${String(params.pattern)}, ${got}`, anchor: 'value' };
    case 'format':
      return { path, message: `must be a valid ${String(params.format)}, ${got}`, anchor: 'value' };
    case 'propertyNames':
      return translatePropertyName(path, String(params.propertyName));
    case 'required':
      return translateRequired(error, path, composed);
    case 'additionalProperties':
      return translateUnknownField(error, path, composed);
    case 'anyOf':
    case 'oneOf':
      return translateAlternatives(error, path);
    default:
      return { path, message: `${error.message ?? 'is invalid'}, ${got}`, anchor: 'value' };
  }
}

function translatePropertyName(path: SpecPath, name: string): PathIssue {
  const entry = path[path.length - 1] === 'stages' ? 'stage' : 'model';
  return {
    path: [...path, name],
    message: `invalid ${entry} name ${quote(name)}: names start with a letter and contain only letters, digits, '_' and '-'`,
    anchor: 'key',
  };
}

function translateRequired(error: ErrorObject, path: SpecPath, composed: ComposedSchema): PathIssue {
  const field = String((error.params as { missingProperty: string }).missingProperty);
  const properties = (error.parentSchema?.properties ?? {}) as Record<string, unknown>;
  const kind = composed.typeFields.get((properties[field] ?? {}) as object);
  const what = kind === undefined ? `'${field}'` : `'${field}' (the ${KIND_LABELS[kind]} to use)`;
  // An empty path is the top of the file; name the parent otherwise.
  return { path, message: `missing required field ${what}`, anchor: 'key' };
}

function translateUnknownField(error: ErrorObject, path: SpecPath, composed: ComposedSchema): PathIssue {
  const field = String((error.params as { additionalProperty: string }).additionalProperty);
  const allowed = Object.keys((error.parentSchema?.properties ?? {}) as object);
  const component = composed.componentSettings.get(error.parentSchema ?? {});
  const owner = component === undefined ? '' : ` of ${KIND_LABELS[component.kind]} '${component.name}'`;
  const what = component === undefined ? 'field' : 'setting';
  const list = allowed.length > 0 ? `; allowed: ${sortByCloseness(field, allowed).join(', ')}` : '; no fields are allowed here';
  return { path: [...path, field], message: `unknown ${what} ${quote(field)}${owner}${list}`, anchor: 'key' };
}

function translateAlternatives(error: ErrorObject, path: SpecPath): PathIssue {
  const branches = ((error.schema ?? []) as unknown[]).map(describeSchema);
  if ((error.params as { passingSchemas?: unknown }).passingSchemas != null) {
    return { path, message: `matches more than one of: ${branches.join(', ')}`, anchor: 'value' };
  }
  return { path, message: `must be ${branches.join(' or ')}, got ${describeValue(error.data)}`, anchor: 'value' };
}

/** A short noun phrase for what a schema accepts. */
function describeSchema(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) {
    return 'a value';
  }
  const { const: constant, enum: values, type, items, minimum, maximum } = schema as Record<string, unknown>;
  if (constant !== undefined) {
    return describeValue(constant);
  }
  if (Array.isArray(values)) {
    return values.length === 1 ? describeValue(values[0]) : `one of ${values.map(describeValue).join(', ')}`;
  }
  if ((type === 'integer' || type === 'number') && (typeof minimum === 'number' || typeof maximum === 'number')) {
    const noun = type === 'integer' ? 'an integer' : 'a number';
    if (typeof minimum === 'number' && typeof maximum === 'number') {
      return `${noun} from ${minimum} to ${maximum}`;
    }
    return typeof minimum === 'number' ? `${noun} >= ${minimum}` : `${noun} <= ${String(maximum)}`;
  }
  if (type === 'array' && typeof items === 'object' && items !== null && typeof (items as { type?: unknown }).type === 'string') {
    return `a list of ${String((items as { type: string }).type)}s`;
  }
  return type === undefined ? 'a value' : typeList(type);
}

function typeList(type: unknown): string {
  const types = Array.isArray(type) ? type.map(String) : String(type).split(',');
  return types.map(describeType).join(' or ');
}

function count(limit: unknown, singular: string, plural = `${singular}s`): string {
  return `${String(limit)} ${Number(limit) === 1 ? singular : plural}`;
}

function lengthOf(value: unknown): string {
  return Array.isArray(value) ? `${value.length}` : describeValue(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
