/**
 * JSON-schema validation of YAML documents with every error in one pass, each mapped to the
 * file:line:col of the offending node. Schemas may carry `x-expected` (what a human should
 * write there), used for oneOf/anyOf/type errors instead of ajv's generic wording.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ModelError } from './errors.js';
import * as precompiled from './schema-validators.gen.js';
import { didYouMean } from './suggest.js';
import { pointerToPath, posAt, type ParsedYaml } from './yaml-pos.js';

/**
 * The shipped schemas, compiled at build time by scripts/gen-validators.mjs (ajv standalone, with
 * the ajv options written there): a run neither loads ajv nor compiles a schema.
 */
const PRECOMPILED = new Map<string, ValidateFunction>([
  [precompiled.ids.playbook, precompiled.playbook],
  [precompiled.ids.inventoryVars, precompiled.inventoryVars],
]);

/** The precompiled validator of a shipped schema (by `$id`). */
export function compileSchema(schema: unknown): ValidateFunction {
  const id = (schema as { $id?: unknown }).$id;
  const v = typeof id === 'string' ? PRECOMPILED.get(id) : undefined;
  if (!v) throw new Error(`internal: no precompiled validator for schema ${String(id)}`);
  return v;
}

function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function expected(e: ErrorObject): string | undefined {
  const ps = e.parentSchema as Record<string, unknown> | undefined;
  const x = ps?.['x-expected'];
  return typeof x === 'string' ? x : undefined;
}

/** Shown path: `targets."net.ipv4.x"` reads better than a JSON pointer. */
function showPath(path: readonly string[]): string {
  return path
    .map((s, i) =>
      /^\d+$/.test(s)
        ? `[${s}]`
        : `${i ? '.' : ''}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : JSON.stringify(s)}`,
    )
    .join('');
}

/** One schema violation, positioned by path (and on the key itself when `onKey`). */
export interface SchemaIssue {
  /** Path of the node the issue is about, below the validated value. */
  path: string[];
  onKey: boolean;
  message: string;
  hint?: string;
}

/**
 * Validates `value` and describes each ajv error for a human. When a oneOf/anyOf fails, its
 * branch errors are replaced by one "expected ..." issue. `skip` drops errors under paths the
 * caller checks itself.
 */
export function schemaIssues(
  value: unknown,
  schema: unknown,
  skip?: (instancePath: string) => boolean,
): SchemaIssue[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  const errs = validate.errors ?? [];
  const unionErrors = errs.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const unions = unionErrors.map((e) => e.instancePath);
  // Nested unions at one path (a $ref'd union inside a union): ajv reports the outermost last.
  const outermost = new Map(unionErrors.map((e) => [e.instancePath, e]));
  const out: SchemaIssue[] = [];
  for (const e of errs) {
    const isUnion = e.keyword === 'oneOf' || e.keyword === 'anyOf';
    if (isUnion && outermost.get(e.instancePath) !== e) continue;
    if (skip?.(e.instancePath)) continue;
    if (!isUnion && unions.some((u) => e.instancePath === u || e.instancePath.startsWith(`${u}/`)))
      continue;
    const path = pointerToPath(e.instancePath);
    const where = path.length ? `${showPath(path)}: ` : '';
    let message: string;
    let hint: string | undefined;
    let at = path;
    let onKey = false;
    switch (e.keyword) {
      case 'additionalProperties': {
        const k = String((e.params as { additionalProperty: string }).additionalProperty);
        at = [...path, k];
        onKey = true;
        message = `${where}unknown key "${k}"`;
        const props = Object.keys(
          ((e.parentSchema as { properties?: object }).properties ?? {}) as object,
        );
        hint =
          didYouMean(k, props) ??
          (props.length ? `expected one of: ${props.join(', ')}` : undefined);
        break;
      }
      case 'required':
        message = `${where}missing required key "${(e.params as { missingProperty: string }).missingProperty}"`;
        break;
      case 'propertyNames':
        continue; // reported by the nested error on the name itself
      case 'pattern': {
        const x = expected(e);
        message = `${where}${describe(e.data)} is not valid${x ? `: expected ${x}` : ''}`;
        break;
      }
      default: {
        const x = expected(e);
        message = x
          ? `${where}expected ${x}, got ${describe(e.data)}`
          : `${where}${e.message ?? 'is invalid'}${e.keyword === 'type' ? `, got ${describe(e.data)}` : ''}`;
      }
    }
    if (e.propertyName !== undefined) {
      at = [...path, e.propertyName];
      onKey = true;
      const x = expected(e);
      message = `${where}invalid key "${e.propertyName}"${x ? `: expected ${x}` : ''}`;
    }
    out.push({ path: at, onKey, message, ...(hint ? { hint } : {}) });
  }
  return out;
}

/** schemaIssues positioned in a YAML document (`prefix`: where `value` sits in it). */
export function schemaErrors(
  y: ParsedYaml,
  value: unknown,
  schema: unknown,
  prefix: (string | number)[] = [],
  skip?: (instancePath: string) => boolean,
): ModelError[] {
  const out: ModelError[] = [];
  const seen = new Set<string>();
  for (const i of schemaIssues(value, schema, skip)) {
    const pos = posAt(y, [...prefix, ...i.path], i.onKey);
    const id = `${pos.line}:${pos.col}:${i.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({
      file: y.file,
      line: pos.line,
      col: pos.col,
      message: i.message,
      ...(i.hint ? { hint: i.hint } : {}),
    });
  }
  return out;
}
