/**
 * Positions in YAML documents: from a path of keys to the node (or the key's node) and its
 * 1-based line and column, and YAML syntax errors as ModelErrors. Uses the `yaml` Document API
 * with a LineCounter.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type ParsedNode,
  visit,
} from 'yaml';
import type { ModelError } from './errors.js';

export interface ParsedYaml {
  doc: Document.Parsed;
  lc: LineCounter;
  file: string;
  errors: ModelError[];
}

/**
 * Parses `text`; syntax errors come back in `errors` with their positions. Inventories and vars
 * files use YAML 1.1 as Ansible's PyYAML does (`yes`/`on` are booleans, `0644` octal);
 * playbooks use YAML 1.2, as editors do.
 */
export function parseYaml(text: string, file: string, version: '1.1' | '1.2' = '1.2'): ParsedYaml {
  const lc = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lc,
    prettyErrors: false,
    uniqueKeys: true,
    version,
    // Timestamps stay strings: variables are plain data (Ansible prints a date as its text).
    customTags: (tags) =>
      tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const errors: ModelError[] = doc.errors.map((e) => {
    const p = lc.linePos(e.pos[0]);
    const first = e.message.split('\n')[0] ?? e.message;
    return {
      file,
      line: p.line,
      col: p.col,
      message: `YAML syntax: ${first.replace(/ at line \d+, column \d+:?$/, '')}`,
    };
  });
  return { doc, lc, file, errors };
}

/** Line/col of a node's start; the document start when the node has no range. */
export function nodePos(
  y: Pick<ParsedYaml, 'lc'>,
  node: Node | ParsedNode | null | undefined,
): { line: number; col: number } {
  const off = node?.range?.[0] ?? 0;
  const p = y.lc.linePos(off);
  return { line: p.line, col: p.col };
}

/** The value node at `path` (keys and indices), or its key node with `key: true`. */
export function nodeAt(
  doc: Document.Parsed,
  path: ReadonlyArray<string | number>,
  key = false,
): Node | undefined {
  let cur: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = cur.items.find(
        (it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg),
      );
      if (!pair) return undefined;
      keyNode = pair.key as Node;
      cur = pair.value;
    } else if (isSeq(cur)) {
      cur = cur.items[Number(seg)];
      keyNode = cur as Node | undefined;
    } else return undefined;
  }
  if (key) return keyNode ?? (cur as Node | undefined);
  // `key:` with no value has a null value node whose range may be empty: point at the key.
  return (cur as Node | null | undefined) ?? keyNode;
}

/** Position of the value (or key) at `path`, falling back to the nearest existing ancestor. */
export function posAt(
  y: ParsedYaml,
  path: ReadonlyArray<string | number>,
  key = false,
): { line: number; col: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(y.doc, path.slice(0, n), key && n === path.length);
    if (node) return nodePos(y, node);
  }
  return { line: 1, col: 1 };
}

/** JSON pointer (`/a/b~1c/0`) → path segments. */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** How many alias expansions a document may make (yaml's own guard against "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

/**
 * The document as plain data, or, for an alias bomb (aliases expanding past MAX_ALIAS_COUNT),
 * a ModelError at the first alias — the library's own error names no position.
 */
export function toPlain(y: ParsedYaml): { value: unknown } | { error: ModelError } {
  try {
    return { value: y.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
    let first: Node | undefined;
    visit(y.doc, {
      Alias(_key, node) {
        first = node;
        return visit.BREAK;
      },
    });
    const p = nodePos(y, first);
    return {
      error: {
        file: y.file,
        line: p.line,
        col: p.col,
        message: `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} expansions: an alias bomb?); refusing the document`,
        hint: 'write the values out, or use fewer nested aliases',
      },
    };
  }
}
