import { Container } from 'inversify';
import type { ComponentDefinition } from './ComponentDefinition.ts';
import { COMPONENT_KINDS, KIND_LABELS, type ComponentKind } from './componentKinds.ts';

const KIND_IDENTIFIERS = new Map<ComponentKind, symbol>(
  COMPONENT_KINDS.map((kind) => [kind, Symbol.for(`newsrec-lab.${kind}`)]),
);

function identifierOf(kind: ComponentKind): symbol {
  const identifier = KIND_IDENTIFIERS.get(kind);
  if (identifier === undefined) {
    throw new Error(`unknown component kind '${kind}'`);
  }
  return identifier;
}

/** The source that `Registry.sourceOf` gives for built-in components. */
export const BUILTIN_SOURCE = 'newsrec-lab';

/** Raised when two modules register the same kind and name. */
export class DuplicateComponentError extends Error {
  constructor(
    readonly kind: ComponentKind,
    readonly componentName: string,
    readonly firstSource: string,
    readonly secondSource: string,
  ) {
    super(
      `${KIND_LABELS[kind]} '${componentName}' is registered twice: by ${firstSource} and by ${secondSource}`,
    );
    this.name = 'DuplicateComponentError';
  }
}

/**
 * Component definitions by kind and name, held in an inversify container: each
 * kind is a service identifier and each component a binding named after its
 * `type`. The container is the single lookup path for recipes, built-ins and
 * plug-ins alike.
 */
export class Registry {
  private readonly container = new Container();
  /** Registration order per kind, and which module registered each name. */
  private readonly names = new Map<ComponentKind, Map<string, string>>();

  register(definition: ComponentDefinition, source = BUILTIN_SOURCE): void {
    const byName = this.names.get(definition.kind) ?? new Map<string, string>();
    const firstSource = byName.get(definition.name);
    if (firstSource !== undefined) {
      throw new DuplicateComponentError(definition.kind, definition.name, firstSource, source);
    }
    this.container
      .bind<ComponentDefinition>(identifierOf(definition.kind))
      .toConstantValue(definition)
      .whenNamed(definition.name);
    byName.set(definition.name, source);
    this.names.set(definition.kind, byName);
  }

  has(kind: ComponentKind, name: string): boolean {
    return this.names.get(kind)?.has(name) ?? false;
  }

  /** The definition registered under kind and name; throws when there is none (check with `has`). */
  get(kind: ComponentKind, name: string): ComponentDefinition {
    if (!this.has(kind, name)) {
      throw new Error(`no ${KIND_LABELS[kind]} named '${name}' is registered`);
    }
    return this.container.get<ComponentDefinition>(identifierOf(kind), { name });
  }

  /** Names registered for a kind, in registration order. */
  namesOf(kind: ComponentKind): string[] {
    return [...(this.names.get(kind)?.keys() ?? [])];
  }

  /** Definitions registered for a kind, in registration order. */
  definitionsOf(kind: ComponentKind): ComponentDefinition[] {
    return this.namesOf(kind).map((name) => this.get(kind, name));
  }

  /** The module that registered a component (BUILTIN_SOURCE for built-ins). */
  sourceOf(kind: ComponentKind, name: string): string | undefined {
    return this.names.get(kind)?.get(name);
  }

  /** Builds a component from validated settings (the `type` field selects it). */
  async create<Product>(
    kind: ComponentKind,
    settings: { type: string } & Record<string, unknown>,
    context: unknown,
  ): Promise<Product> {
    const definition = this.get(kind, settings.type);
    return (await definition.create(settings as never, context)) as Product;
  }
}
