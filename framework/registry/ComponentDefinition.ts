import type { Static, TObject } from '@sinclair/typebox';
import type { ComponentKind } from './componentKinds.ts';

/**
 * A registered component: its family, its name (the `type` a recipe writes),
 * the JSON Schema of its settings and the factory that builds it.
 *
 * The settings schema is a TypeBox object, so the TypeScript type of the
 * settings is derived from the schema and the two cannot drift apart. The
 * schema must not declare `type`; the registry adds it when composing the
 * recipe schema. Settings reach the factory after validation, with every
 * default from the schema filled in.
 */
export interface ComponentDefinition<
  Kind extends ComponentKind = ComponentKind,
  Schema extends TObject = TObject,
  Context = unknown,
  Product = unknown,
> {
  readonly kind: Kind;
  readonly name: string;
  readonly description: string;
  readonly settings: Schema;
  /**
   * Builds the component. Factories import their implementation (and with it
   * TensorFlow.js) lazily, so that listing and validating components stays light.
   */
  create(settings: Static<Schema>, context: Context): Product | Promise<Product>;
}

/** Helper that keeps the settings type tied to the schema at the call site. */
export function defineComponent<Kind extends ComponentKind, Schema extends TObject, Context, Product>(
  definition: ComponentDefinition<Kind, Schema, Context, Product>,
): ComponentDefinition<Kind, Schema, Context, Product> {
  return definition;
}

/** Settings as written in a recipe: the component's `type` plus its own fields. */
export type ComponentSpec = { type: string } & Record<string, unknown>;
