/**
 * Evaluates the template subset of parse.ts against a scope. Values are plain data: a variable
 * lookup reads own properties of plain objects only (no prototypes, no methods), filters are a
 * fixed table, and the only lookup is `env`. As Ansible (jinja2_native off), a template renders
 * to text, read back as a list, dict or boolean when it looks like one.
 * Pure given `scope` and `env`.
 */
import { pyLiteral } from '../py-literal.js';
import { TemplateError, parseTemplate, type Expr } from './parse.js';

/** Marks "no such variable": Jinja's Undefined, which `default` replaces and anything else refuses. */
export const UNDEFINED: unique symbol = Symbol('undefined');
type Value = unknown;

/** A lazily resolved mapping (hostvars, a host's vars): read through `get`, never enumerated. */
export class LazyMap {
  constructor(private readonly read: (key: string) => Value) {}
  get(key: string): Value {
    return this.read(key);
  }
}

export interface Scope {
  /** The variable's value (already resolved), or UNDEFINED. */
  get(name: string): Value;
  env: Readonly<Record<string, string | undefined>>;
}

function own(obj: unknown, key: unknown): Value {
  if (typeof key === 'string' && key.startsWith('__'))
    throw new TemplateError(`access to "${key}"`);
  if (Array.isArray(obj)) {
    const i = typeof key === 'number' ? key : /^-?\d+$/.test(String(key)) ? Number(key) : NaN;
    if (!Number.isInteger(i)) return UNDEFINED;
    const v: unknown = obj[i < 0 ? obj.length + i : i];
    return v === undefined ? UNDEFINED : v;
  }
  if (typeof obj !== 'object' || obj === null) return UNDEFINED;
  const k = String(key);
  if (obj instanceof LazyMap) return obj.get(k);
  return Object.prototype.hasOwnProperty.call(obj, k)
    ? (obj as Record<string, Value>)[k]
    : UNDEFINED;
}

/** Python's str() of a value, as Jinja prints it. */
export function pyStr(v: Value): string {
  if (v === UNDEFINED) throw new TemplateError('undefined value');
  if (v === null) return 'None';
  if (v instanceof LazyMap) throw new TemplateError('printing a whole hostvars mapping');
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as object)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

function pyRepr(v: Value): string {
  return typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : pyStr(v);
}

function truthy(v: Value): boolean {
  if (v === UNDEFINED || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function need(name: string, args: Value[], min: number, max: number): void {
  if (args.length < min || args.length > max)
    throw new TemplateError(
      `filter "${name}" takes ${min === max ? min : `${min} to ${max}`} argument(s)`,
    );
}

function defined(name: string, v: Value): Value {
  if (v === UNDEFINED) throw new TemplateError(`filter "${name}" of an undefined value`);
  return v;
}

type Filter = (input: Value, args: Value[]) => Value;

const FILTERS: Record<string, Filter> = {
  default: (v, a) => {
    need('default', a, 0, 2);
    const empty = a[1] === true ? !truthy(v) : v === UNDEFINED;
    return empty ? (a[0] ?? '') : v;
  },
  lower: (v) => pyStr(defined('lower', v)).toLowerCase(),
  upper: (v) => pyStr(defined('upper', v)).toUpperCase(),
  trim: (v) => pyStr(defined('trim', v)).trim(),
  string: (v) => pyStr(defined('string', v)),
  replace: (v, a) => {
    need('replace', a, 2, 2);
    return pyStr(defined('replace', v)).split(pyStr(a[0])).join(pyStr(a[1]));
  },
  int: (v, a) => {
    need('int', a, 0, 1);
    const s = pyStr(defined('int', v)).trim();
    const n = /^[-+]?\d+(\.\d*)?$/.test(s) ? Math.trunc(Number(s)) : NaN;
    return Number.isNaN(n) ? (a[0] ?? 0) : n;
  },
  join: (v, a) => {
    need('join', a, 0, 1);
    const list = defined('join', v);
    if (!Array.isArray(list)) throw new TemplateError('filter "join" of something not a list');
    return list.map(pyStr).join(a[0] === undefined ? '' : pyStr(a[0]));
  },
  dict2items: (v) => {
    const x = defined('dict2items', v);
    if (typeof x !== 'object' || x === null || Array.isArray(x))
      throw new TemplateError('filter "dict2items" of something not a dict');
    return Object.entries(x).map(([key, value]) => ({ key, value }));
  },
  first: (v) => (Array.isArray(v) && v.length ? (v[0] as Value) : UNDEFINED),
  last: (v) => (Array.isArray(v) && v.length ? (v[v.length - 1] as Value) : UNDEFINED),
  length: (v) => {
    const x = defined('length', v);
    return typeof x === 'string' || Array.isArray(x) ? x.length : Object.keys(x as object).length;
  },
};
FILTERS['d'] = FILTERS['default']!;
FILTERS['count'] = FILTERS['length']!;

/** Names of the supported filters (for error hints). */
export const FILTER_NAMES = Object.keys(FILTERS).sort();

function lookup(args: Value[], scope: Scope): Value {
  if (args[0] !== 'env')
    throw new TemplateError(
      `lookup(${pyRepr(args[0])}, ...): only lookup('env', NAME) is evaluated`,
    );
  const vals = args.slice(1).map((a) => scope.env[pyStr(a)] ?? '');
  return vals.length === 1 ? vals[0] : vals.join(',');
}

function arith(op: '+' | '-' | '*', l: Value, r: Value): Value {
  if (typeof l === 'number' && typeof r === 'number')
    return op === '+' ? l + r : op === '-' ? l - r : l * r;
  if (op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  if (op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  throw new TemplateError(`"${op}" of ${pyRepr(l)} and ${pyRepr(r)}`);
}

export function evalExpr(e: Expr, scope: Scope): Value {
  switch (e.t) {
    case 'lit':
      return e.value;
    case 'var':
      return scope.get(e.name);
    case 'get': {
      const obj = evalExpr(e.obj, scope);
      if (obj === UNDEFINED) return UNDEFINED;
      return own(obj, evalExpr(e.key, scope));
    }
    case 'bin': {
      const l = evalExpr(e.left, scope);
      const r = evalExpr(e.right, scope);
      if (e.op === '~') {
        if (l === UNDEFINED) throw new TemplateError(`"${firstVar(e.left)}" is undefined`);
        if (r === UNDEFINED) throw new TemplateError(`"${firstVar(e.right)}" is undefined`);
        return pyStr(l) + pyStr(r);
      }
      if (l === UNDEFINED) throw new TemplateError(`"${firstVar(e.left)}" is undefined`);
      if (r === UNDEFINED) throw new TemplateError(`"${firstVar(e.right)}" is undefined`);
      return arith(e.op, l, r);
    }
    case 'filter': {
      const f = FILTERS[e.name];
      if (!f)
        throw new TemplateError(
          `filter "${e.name}" is outside the subset sysfleet evaluates (${FILTER_NAMES.join(', ')})`,
        );
      return f(
        evalExpr(e.input, scope),
        e.args.map((a) => evalExpr(a, scope)),
      );
    }
    case 'lookup':
      return lookup(
        e.args.map((a) => evalExpr(a, scope)),
        scope,
      );
  }
}

/** Renders `src` in `scope`; throws TemplateError naming what is outside the subset or undefined. */
export function renderTemplate(
  src: string,
  scope: Scope,
  undefinedName?: (n: string) => void,
): Value {
  const parts = parseTemplate(src);
  const values = parts.map((p) => {
    if (p.t === 'text') return p.text;
    const v = evalExpr(p.expr, scope);
    if (v === UNDEFINED) {
      const name = firstVar(p.expr);
      undefinedName?.(name);
      throw new TemplateError(`"${name}" is undefined`);
    }
    return v;
  });
  // As Ansible's ansible_eval_concat: the text, unless it looks like a list, dict or bool
  // (a lone list or dict is that value, as its text read back would be).
  const lone = values.length === 1 ? values[0] : undefined;
  if (typeof lone === 'object' && lone !== null && !(lone instanceof LazyMap)) return lone;
  const out = values.map(pyStr).join('');
  if (out === 'True' || out === 'False') return out === 'True';
  if (/^[[{]/.test(out)) {
    const v = pyLiteral(out);
    if (typeof v !== 'string') return v;
  }
  return out;
}

function firstVar(e: Expr): string {
  switch (e.t) {
    case 'var':
      return e.name;
    case 'get': {
      const k = e.key.t === 'lit' ? String(e.key.value) : '...';
      return `${firstVar(e.obj)}.${k}`;
    }
    case 'filter':
      return firstVar(e.input);
    case 'bin':
      return firstVar(e.left);
    default:
      return 'value';
  }
}
