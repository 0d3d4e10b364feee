import type { ComponentDefinition } from '../registry/ComponentDefinition.ts';

/**
 * What a plug-in module receives. A plug-in is a module (TypeScript or
 * JavaScript) listed under `plugins:` in a recipe that exports
 *
 * ```ts
 * export function register(api: PluginApi): void | Promise<void> {
 *   api.register(myNewsEncoder);
 * }
 * ```
 *
 * Components it registers are validated and built exactly like built-in ones.
 */
export interface PluginApi {
  /** Registers a component; the plug-in's path is recorded as its source. */
  register(definition: ComponentDefinition): void;
}

/** The shape a plug-in module must export. */
export interface PluginModule {
  register(api: PluginApi): void | Promise<void>;
}
