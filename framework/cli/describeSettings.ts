import { referencedKind } from '../registry/componentRef.ts';
import { KIND_LABELS } from '../registry/componentKinds.ts';
import type { ComponentDefinition } from '../registry/ComponentDefinition.ts';

/** One setting of a component, as `experiment components` lists it. */
export interface SettingDescription {
  readonly name: string;
  /** Accepted values, e.g. `integer >= 1`, `'gelu' | 'relu'`, `backbone component`. */
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly description?: string;
}

/** Describes the settings of a component from its TypeBox schema, in declaration order. */
export function describeSettings(definition: ComponentDefinition): SettingDescription[] {
  const schema = definition.settings as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const setting: SettingDescription = {
      name,
      type: describeSchemaType(property),
      // A field with a default may be left out even when the schema lists it as required.
      required: required.has(name) && property.default === undefined,
      ...(property.default === undefined ? {} : { default: property.default }),
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
    };
    return setting;
  });
}

/** Describes in a few words what a schema accepts. */
export function describeSchemaType(schema: Record<string, unknown>): string {
  const kind = referencedKind(schema);
  if (kind !== undefined) {
    return `${KIND_LABELS[kind]} component`;
  }
  if (schema.const !== undefined) {
    return JSON.stringify(schema.const).replaceAll('"', "'");
  }
  if (Array.isArray(schema.enum)) {
    return schema.enum.map((value) => JSON.stringify(value).replaceAll('"', "'")).join(' | ');
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) {
      return branches.map((branch) => describeSchemaType(branch as Record<string, unknown>)).join(' | ');
    }
  }
  if (schema.type === 'array') {
    const items = schema.items as Record<string, unknown> | undefined;
    return items === undefined ? 'list' : `list of ${describeSchemaType(items)}`;
  }
  if (schema.type === 'object') {
    return 'mapping';
  }
  const base = Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'any');
  return [base, ...bounds(schema)].join(' ');
}

function bounds(schema: Record<string, unknown>): string[] {
  const parts: string[] = [];
  const comparisons = [
    ['minimum', '>='],
    ['exclusiveMinimum', '>'],
    ['maximum', '<='],
    ['exclusiveMaximum', '<'],
  ] as const;
  for (const [keyword, operator] of comparisons) {
    if (typeof schema[keyword] === 'number') {
      parts.push(`${operator} ${String(schema[keyword])}`);
    }
  }
  return parts.length > 1 ? [parts.join(', ')] : parts;
}
