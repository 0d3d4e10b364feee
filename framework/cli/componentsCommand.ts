import { parseArgs } from 'node:util';
import { isStageDefinition } from '../graph/StageDefinition.ts';
import { COMPONENT_KINDS, KIND_LABELS, type ComponentKind } from '../registry/componentKinds.ts';
import { createRegistry } from '../registry/createRegistry.ts';
import type { Registry } from '../registry/Registry.ts';
import type { CommandIO } from '../run/Logger.ts';
import { loadRecipePlugins } from '../spec/loadRecipePlugins.ts';
import { describeSettings, type SettingDescription } from './describeSettings.ts';

export const COMPONENTS_HELP = `Usage: experiment components [--json] [--recipe FILE]

Lists every registered component by family (the key a recipe uses, such as
newsEncoder), with its settings: name, accepted values, default and
description. A recipe selects a component with 'type: NAME'.

Options:
  --json          Print the list as JSON
  --recipe FILE   Also list the components that the recipe's plug-ins register
  -h, --help      Show this help
`;

/** A component as listed by `experiment components --json`. */
export interface ComponentListing {
  readonly kind: ComponentKind;
  readonly name: string;
  readonly description: string;
  /** The module that registered it ('newsrec-lab' for built-ins). */
  readonly source: string;
  readonly settings: SettingDescription[];
  /** Stage inputs and outputs by name, for stages only. */
  readonly inputs?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
}

/** `experiment components`: lists the registered components and their settings. */
export async function componentsCommand(args: string[], io: CommandIO, registry: Registry = createRegistry()): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' }, recipe: { type: 'string' } },
  });
  if (values.help === true) {
    io.stdout.write(COMPONENTS_HELP);
    return 0;
  }
  if (values.recipe !== undefined) {
    await loadRecipePlugins(values.recipe, registry);
  }
  const listings = listComponents(registry);
  io.stdout.write(values.json === true ? `${JSON.stringify(listings, null, 2)}\n` : formatListings(listings));
  return 0;
}

/** Lists every registered component, by kind in the order of COMPONENT_KINDS, then in registration order. */
export function listComponents(registry: Registry): ComponentListing[] {
  return COMPONENT_KINDS.flatMap((kind) =>
    registry.definitionsOf(kind).map((definition) => ({
      kind,
      name: definition.name,
      description: definition.description,
      source: registry.sourceOf(kind, definition.name) ?? 'newsrec-lab',
      settings: describeSettings(definition),
      ...(isStageDefinition(definition) ? { inputs: { ...definition.inputs }, outputs: { ...definition.outputs } } : {}),
    })),
  );
}

function formatListings(listings: readonly ComponentListing[]): string {
  const lines: string[] = [];
  for (const kind of COMPONENT_KINDS) {
    const ofKind = listings.filter((listing) => listing.kind === kind);
    lines.push(`${kind} (${KIND_LABELS[kind]})`);
    if (ofKind.length === 0) {
      lines.push('  (none registered)', '');
      continue;
    }
    for (const listing of ofKind) {
      const source = listing.source === 'newsrec-lab' ? '' : `  [from ${listing.source}]`;
      lines.push(`  ${listing.name}${source}`, `    ${listing.description}`);
      if (listing.inputs !== undefined && Object.keys(listing.inputs).length > 0) {
        lines.push(`    inputs: ${formatPairs(listing.inputs)}`);
      }
      if (listing.outputs !== undefined) {
        lines.push(`    outputs: ${formatPairs(listing.outputs)}`);
      }
      for (const setting of listing.settings) {
        lines.push(`    ${formatSetting(setting)}`);
      }
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function formatSetting(setting: SettingDescription): string {
  let status = 'optional';
  if (setting.required) {
    status = 'required';
  } else if (setting.default !== undefined) {
    status = `default ${JSON.stringify(setting.default)}`;
  }
  const description = setting.description === undefined ? '' : `. ${setting.description}`;
  return `${setting.name}: ${setting.type}, ${status}${description}`;
}

function formatPairs(pairs: Readonly<Record<string, string>>): string {
  return Object.entries(pairs)
    .map(([name, kind]) => `${name} (${kind})`)
    .join(', ');
}
