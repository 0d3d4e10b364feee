import { BACKEND_NAMES } from '../spec/Recipe.ts';
import type { ComponentDefinition } from './ComponentDefinition.ts';
import { componentRefTarget } from './componentRef.ts';
import { COMPONENT_KINDS, KIND_LABELS, type ComponentKind } from './componentKinds.ts';
import type { Registry } from './Registry.ts';

type JsonSchema = Record<string, unknown>;

/** The component behind a `then` branch of the composed schema. */
export interface ComposedComponent {
  readonly kind: ComponentKind;
  readonly name: string;
}

/**
 * The recipe JSON Schema composed from a registry, plus lookups from its
 * sub-schemas back to components. Validation errors carry the sub-schema
 * that failed (ajv `verbose`), which these lookups turn into readable names.
 */
export interface ComposedSchema {
  readonly schema: JsonSchema;
  /** The `type` field schema of each component kind. */
  readonly typeFields: WeakMap<object, ComponentKind>;
  /** The settings schema (a `then` branch) of each registered component. */
  readonly componentSettings: WeakMap<object, ComposedComponent>;
}

/** Names of models and stages: letters first, so references `stage.output` stay unambiguous. */
export const ENTRY_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]*$';

/** The parts of one recommender model under `models:`. */
export const MODEL_PARTS = ['tokenizer', 'newsEncoder', 'userEncoder', 'clickPredictor'] as const;

/**
 * Builds the recipe schema from the registered components. Each kind gets a
 * `$defs` entry: a mapping whose `type` is one of the registered names and,
 * for each name, an if/then that applies that component's settings schema
 * with unknown settings rejected. Nested components refer to these entries
 * (see `componentRef`). Defaults sit in `properties` and `then` branches,
 * where ajv's `useDefaults` fills them in.
 */
export function composeSchema(registry: Registry): ComposedSchema {
  const typeFields = new WeakMap<object, ComponentKind>();
  const componentSettings = new WeakMap<object, ComposedComponent>();
  const definitions: Record<string, JsonSchema> = {};

  for (const kind of COMPONENT_KINDS) {
    const { schema, typeField, branches } = composeKind(kind, registry.definitionsOf(kind));
    typeFields.set(typeField, kind);
    for (const [settings, name] of branches) {
      componentSettings.set(settings, { kind, name });
    }
    definitions[kind] = schema;
  }
  definitions.model = modelSchema();

  const schema: JsonSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'newsrec-lab recipe',
    description: 'A news-recommendation experiment: data, models and the stages that train and evaluate them.',
    type: 'object',
    additionalProperties: false,
    required: ['data', 'stages'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Name of the experiment (default: the file name without extension)' },
      seed: { type: 'integer', minimum: 0, maximum: 4294967295, default: 42, description: 'Seed of every random choice of the run' },
      backend: {
        type: 'string',
        enum: [...BACKEND_NAMES],
        default: 'auto',
        description: 'TensorFlow.js backend; auto picks the fastest one that loads',
      },
      threads: {
        anyOf: [{ type: 'integer', minimum: 1, maximum: 256 }, { type: 'string', enum: ['auto'] }],
        default: 'auto',
        description:
          'Threads for matrix products on the wasm backend (auto: one per core the process may use); results do not depend on it',
      },
      extends: {
        anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 } }],
        description:
          'Recipes this one builds on, relative to this file: mappings merge key by key, this file wins, lists and other values are replaced whole',
      },
      plugins: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description: 'Modules that register more components, relative to the recipe file',
      },
      output: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          directory: {
            type: 'string',
            minLength: 1,
            default: 'runs',
            description: 'Directory of the run directories, relative to the current working directory',
          },
        },
      },
      data: { $ref: componentRefTarget('dataset'), description: 'The dataset that stages train and evaluate on' },
      // The default stays even while no tracker is registered: such a recipe
      // then fails validation with "unknown tracker 'local'".
      tracker: { $ref: componentRefTarget('tracker'), default: { type: 'local' }, description: 'Where runs are logged' },
      models: {
        type: 'object',
        default: {},
        propertyNames: { pattern: ENTRY_NAME_PATTERN },
        additionalProperties: { $ref: '#/$defs/model' },
        description: 'Recommender models by name; stages refer to them by name',
      },
      stages: {
        type: 'object',
        minProperties: 1,
        propertyNames: { pattern: ENTRY_NAME_PATTERN },
        additionalProperties: { $ref: componentRefTarget('stage') },
        description: 'Training and evaluation steps by name; a stage refers to outputs of others as stage.output',
      },
    },
    $defs: definitions,
  };
  return { schema, typeFields, componentSettings };
}

function composeKind(
  kind: ComponentKind,
  definitions: readonly ComponentDefinition[],
): { schema: JsonSchema; typeField: JsonSchema; branches: [JsonSchema, string][] } {
  const label = KIND_LABELS[kind];
  const names = definitions.map((definition) => definition.name);
  // An empty enum is not valid JSON Schema, so a kind without components
  // accepts no string at all.
  const typeField: JsonSchema =
    names.length > 0
      ? { type: 'string', enum: names, description: `Which ${label} to use` }
      : { type: 'string', not: {}, description: `Which ${label} to use (none is registered)` };
  const branches: [JsonSchema, string][] = definitions.map((definition) => [settingsBranch(definition), definition.name]);

  const schema: JsonSchema = {
    title: label,
    type: 'object',
    required: ['type'],
    properties: { type: typeField },
  };
  if (branches.length > 0) {
    schema.allOf = branches.map(([then, name]) => ({
      if: { properties: { type: { const: name } }, required: ['type'] },
      then,
    }));
  }
  return { schema, typeField, branches };
}

/** A component's settings schema as plain JSON, with `type` added and unknown settings rejected. */
function settingsBranch(definition: ComponentDefinition): JsonSchema {
  // The JSON round trip drops TypeBox's symbol-keyed metadata.
  const settings = JSON.parse(JSON.stringify(definition.settings)) as JsonSchema;
  const properties = (settings.properties ?? {}) as Record<string, JsonSchema>;
  return {
    ...settings,
    title: definition.name,
    description: definition.description,
    type: 'object',
    properties: { type: { const: definition.name }, ...properties },
    // A schema that sets additionalProperties itself keeps its choice.
    additionalProperties: settings.additionalProperties ?? false,
  };
}

function modelSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const descriptions: Record<(typeof MODEL_PARTS)[number], string> = {
    tokenizer: 'Turns news text into token ids',
    newsEncoder: 'Turns the tokens of a news article into its vector',
    userEncoder: 'Turns the vectors of clicked news into the user vector',
    clickPredictor: 'Scores a candidate news vector against the user vector',
  };
  for (const part of MODEL_PARTS) {
    properties[part] = { $ref: componentRefTarget(part), description: descriptions[part] };
  }
  return {
    title: 'model',
    type: 'object',
    additionalProperties: false,
    required: [...MODEL_PARTS],
    properties,
  };
}
