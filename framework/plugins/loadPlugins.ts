import { pathToFileURL } from 'node:url';
import type { ComponentDefinition } from '../registry/ComponentDefinition.ts';
import { KIND_LABELS } from '../registry/componentKinds.ts';
import { DuplicateComponentError, type Registry } from '../registry/Registry.ts';
import type { PathIssue, SpecPath } from '../spec/SpecPath.ts';
import type { PluginApi, PluginModule } from './PluginApi.ts';

/** One `plugins:` entry of a recipe. */
export interface PluginEntry {
  /** Absolute path of the module. */
  readonly file: string;
  /** The entry as written in the recipe, for messages. */
  readonly written: string;
  /** Where the entry is in the recipe (`plugins[0]`). */
  readonly path: SpecPath;
}

/**
 * Imports each plug-in module and lets it register its components into
 * `registry`. A module that fails to import, has no `register` export, or
 * throws while registering (a name that is taken, for instance) gives an
 * issue at its `plugins` entry; the other modules still load. Loading the
 * same module into the same registry again registers nothing new.
 */
export async function loadPlugins(entries: readonly PluginEntry[], registry: Registry): Promise<PathIssue[]> {
  const issues: PathIssue[] = [];
  for (const entry of entries) {
    const problem = await loadPlugin(entry, registry);
    if (problem !== undefined) {
      issues.push({ path: entry.path, message: problem, anchor: 'value' });
    }
  }
  return issues;
}

/** Loads one plug-in; returns what went wrong, or undefined. */
async function loadPlugin(entry: PluginEntry, registry: Registry): Promise<string | undefined> {
  let module: Partial<PluginModule>;
  try {
    module = (await import(pathToFileURL(entry.file).href)) as Partial<PluginModule>;
  } catch (error) {
    return `cannot import plug-in '${entry.written}' (${entry.file}): ${messageOf(error)}`;
  }
  if (typeof module.register !== 'function') {
    return `plug-in '${entry.written}' (${entry.file}) does not export a function 'register(api)'`;
  }

  const api: PluginApi = {
    register(definition: ComponentDefinition) {
      // The module cache makes a second load call register with the same
      // definitions; those are already in the registry.
      if (registry.sourceOf(definition.kind, definition.name) === entry.file && registry.get(definition.kind, definition.name) === definition) {
        return;
      }
      registry.register(definition, entry.file);
    },
  };
  try {
    await module.register(api);
  } catch (error) {
    if (error instanceof DuplicateComponentError) {
      const taken = `${KIND_LABELS[error.kind]} '${error.componentName}'`;
      return `plug-in '${entry.written}' registers ${taken}, a name already registered by ${error.firstSource}`;
    }
    return `plug-in '${entry.written}' (${entry.file}) failed to register its components: ${messageOf(error)}`;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
