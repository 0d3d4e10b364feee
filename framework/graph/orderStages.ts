/** The run order of stages, and the cycles that kept some stages out of it. */
export interface StageOrder {
  readonly order: string[];
  /** Each cycle as stage names in data-flow order, first name repeated at the end. */
  readonly cycles: string[][];
}

/**
 * Orders stages so that each runs after the stages it uses outputs of
 * (Kahn's algorithm). Among stages that are ready at the same time, the one
 * listed first in the recipe runs first. Stages in a cycle, and stages that
 * depend on one, are left out of the order; each cycle is returned once.
 *
 * @param names stage names in recipe order
 * @param uses for each stage, the stages whose outputs it uses
 */
export function orderStages(names: readonly string[], uses: ReadonlyMap<string, ReadonlySet<string>>): StageOrder {
  const known = new Set(names);
  const order: string[] = [];
  const done = new Set<string>();
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const name of names) {
      if (done.has(name)) {
        continue;
      }
      const dependencies = [...(uses.get(name) ?? [])].filter((dependency) => known.has(dependency));
      if (dependencies.every((dependency) => done.has(dependency))) {
        order.push(name);
        done.add(name);
        progressed = true;
        // Restart from the top so that an earlier stage that just became
        // ready runs before later ones.
        break;
      }
    }
  }
  return { order, cycles: findCycles(names.filter((name) => !done.has(name)), uses) };
}

function findCycles(remaining: readonly string[], uses: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const inRemaining = new Set(remaining);
  const rank = new Map(remaining.map((name, index) => [name, index]));
  const cycles: string[][] = [];
  const reported = new Set<string>();

  // Depth-first search along "uses" edges; a stage found on the current
  // stack closes a cycle.
  const visited = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    stack.push(name);
    for (const dependency of uses.get(name) ?? []) {
      if (!inRemaining.has(dependency)) {
        continue;
      }
      const start = stack.indexOf(dependency);
      if (start >= 0) {
        // The stack runs against the data flow (each entry uses the next), so reverse it.
        const members = stack.slice(start).reverse();
        const first = members.reduce((best, member) => ((rank.get(member) ?? 0) < (rank.get(best) ?? 0) ? member : best));
        const rotated = [...members.slice(members.indexOf(first)), ...members.slice(0, members.indexOf(first))];
        const key = rotated.join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          cycles.push([...rotated, first]);
        }
      } else if (!visited.has(dependency)) {
        visit(dependency);
      }
    }
    stack.pop();
    visited.add(name);
  };
  for (const name of remaining) {
    if (!visited.has(name)) {
      visit(name);
    }
  }
  return cycles;
}
