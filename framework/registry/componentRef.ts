import { Type, type TUnsafe } from '@sinclair/typebox';
import type { ComponentSpec } from './ComponentDefinition.ts';
import { isComponentKind, type ComponentKind } from './componentKinds.ts';

/** Annotations a nested component setting may carry. */
export interface ComponentRefOptions {
  readonly description?: string;
  /** Component used when the recipe leaves the setting out, e.g. `{ type: 'cls' }`. */
  readonly default?: ComponentSpec;
}

/**
 * Schema of a setting that contains another component, such as the `backbone`
 * of a news encoder. In a recipe the setting is written like any component
 * (a mapping with `type` and that component's settings) and is validated
 * against the registered components of `kind`, plug-ins included:
 *
 * ```ts
 * settings: Type.Object({
 *   backbone: componentRef('backbone', { description: 'Transformer that reads the title' }),
 *   pooling: componentRef('pooling', { default: { type: 'cls' } }),
 * })
 * ```
 *
 * The factory receives the nested settings as a `ComponentSpec` with its
 * defaults filled in, and builds it with `registry.create(kind, spec, context)`.
 * The schema is a JSON reference to `#/$defs/<kind>` of the composed recipe
 * schema, so it only means something inside that schema.
 */
export function componentRef(kind: ComponentKind, options: ComponentRefOptions = {}): TUnsafe<ComponentSpec> {
  return Type.Unsafe<ComponentSpec>({ ...options, $ref: componentRefTarget(kind) });
}

/** The JSON pointer that `componentRef(kind)` refers to. */
export function componentRefTarget(kind: ComponentKind): string {
  return `#/$defs/${kind}`;
}

/** The component kind a schema refers to (directly or through `allOf`), if any. */
export function referencedKind(schema: unknown): ComponentKind | undefined {
  if (typeof schema !== 'object' || schema === null) {
    return undefined;
  }
  const { $ref, allOf } = schema as { $ref?: unknown; allOf?: unknown };
  if (typeof $ref === 'string' && $ref.startsWith('#/$defs/')) {
    const kind = $ref.slice('#/$defs/'.length);
    return isComponentKind(kind) ? kind : undefined;
  }
  if (Array.isArray(allOf) && allOf.length === 1) {
    return referencedKind(allOf[0]);
  }
  return undefined;
}
