import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { formatSpecPath, type PathIssue, type SpecPath } from './SpecPath.ts';
import type { SpecIssue } from './RecipeError.ts';

/** A node reached by a spec path, with the key that names it (none for list items and the root). */
interface Located {
  readonly node: Node | null;
  readonly key: Node | null;
}

/**
 * A recipe file parsed with source positions, so that any spec path can be
 * turned back into `line:column`. Create it with `RecipeDocument.parse`.
 */
export class RecipeDocument {
  private constructor(
    /** The file name as it appears in messages (as the user gave it). */
    readonly file: string,
    readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
    /** Syntax errors and duplicate keys; when there are any, `toData()` is not usable. */
    readonly issues: readonly SpecIssue[],
  ) {}

  /**
   * Parses YAML text. Syntax errors and duplicate keys (at any depth) are
   * collected in `issues` rather than thrown, so a file reports all of them.
   */
  static parse(text: string, file: string): RecipeDocument {
    const lineCounter = new LineCounter();
    // uniqueKeys is off because duplicates are reported below with the
    // position of both occurrences; merge keys (<<) let recipes share blocks.
    const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
    const issues: SpecIssue[] = document.errors.map((error) => {
      const position = lineCounter.linePos(error.pos[0]);
      return { file, line: position.line, column: position.col, path: '', message: `invalid YAML: ${plainYamlMessage(error.message)}` };
    });
    issues.push(...findDuplicateKeys(document, lineCounter, file));
    return new RecipeDocument(file, document, lineCounter, issues);
  }

  /** Converts the document to plain data (mappings, lists, scalars). */
  toData(): unknown {
    return this.document.toJS({ maxAliasCount: 1000 });
  }

  /** Gives an issue its file position. */
  locate(issue: PathIssue): SpecIssue {
    const position = this.positionOf(issue.path, issue.anchor);
    return { file: this.file, line: position.line, column: position.column, path: formatSpecPath(issue.path), message: issue.message };
  }

  /**
   * Line and column of the value (or key) at `path`. A path that is not in
   * the file, such as a default filled in by validation, points at the
   * deepest part of it that is.
   */
  positionOf(path: SpecPath, anchor: 'key' | 'value'): { line: number; column: number } {
    const trail = this.walk(path);
    const reachedAll = trail.length === path.length + 1;
    const last = trail[trail.length - 1] ?? { node: null, key: null };
    let offset: number | undefined;
    if (reachedAll && anchor === 'value') {
      offset = last.node?.range?.[0] ?? last.key?.range?.[0];
    } else {
      offset = last.key?.range?.[0] ?? last.node?.range?.[0];
    }
    if (offset === undefined) {
      return { line: 1, column: 1 };
    }
    const position = this.lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  }

  /** Counts how many leading segments of `path` exist in this file (0: none, path.length: all). */
  reach(path: SpecPath): number {
    return this.walk(path).length - 1;
  }

  /** Collects the nodes along `path` from the root; stops early where the path leaves the file. */
  private walk(path: SpecPath): Located[] {
    const trail: Located[] = [{ node: this.document.contents, key: null }];
    let node: Node | null = this.document.contents;
    for (const segment of path) {
      node = this.resolveAlias(node);
      let next: Located | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key as Node | null) === String(segment));
        if (pair !== undefined) {
          next = { node: (pair.value as Node | null) ?? null, key: (pair.key as Node | null) ?? null };
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (item !== undefined) {
          next = { node: item, key: null };
        }
      }
      if (next === undefined) {
        break;
      }
      trail.push(next);
      node = next.node;
    }
    return trail;
  }

  private resolveAlias(node: Node | null): Node | null {
    return isAlias(node) ? ((node.resolve(this.document) as Node | undefined) ?? null) : node;
  }
}

function findDuplicateKeys(document: Document.Parsed, lineCounter: LineCounter, file: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const visit = (node: unknown, path: SpecPath): void => {
    if (isMap(node)) {
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const name = keyText(key);
        const first = seen.get(name);
        if (first !== undefined && key !== null) {
          const duplicatePosition = lineCounter.linePos(key.range?.[0] ?? 0);
          const firstPosition = lineCounter.linePos(first.range?.[0] ?? 0);
          issues.push({
            file,
            line: duplicatePosition.line,
            column: duplicatePosition.col,
            path: formatSpecPath([...path, name]),
            message: `duplicate key '${name}', already defined at line ${firstPosition.line}, column ${firstPosition.col}`,
          });
        } else if (key !== null) {
          seen.set(name, key);
        }
        visit(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    }
  };
  visit(document.contents, []);
  return issues;
}

function keyText(key: Node | null): string {
  if (key === null) {
    return '';
  }
  return isScalar(key) ? String(key.value) : String(key);
}

/** yaml's messages may end with ` at line L, column C`; the position is printed separately. */
function plainYamlMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim();
}
