import { BUILTIN_COMPONENTS } from './builtinComponents.ts';
import type { ComponentDefinition } from './ComponentDefinition.ts';
import { Registry } from './Registry.ts';

/** A new registry holding the given definitions, by default every built-in component. */
export function createRegistry(definitions: readonly ComponentDefinition[] = BUILTIN_COMPONENTS): Registry {
  const registry = new Registry();
  for (const definition of definitions) {
    registry.register(definition);
  }
  return registry;
}
