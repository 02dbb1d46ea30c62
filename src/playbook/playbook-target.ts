/**
 * One playbook target as written (`60`, `"10240 65535"`, `[10240, 65535]`, `{min: 4096, set:
 * 4096}`, `{max: 30}`, `{one_of: [1, 2], set: 1}`, `{absent_or: 0}`) → a `Target`, with precise
 * errors. The JSON schema documents the same shapes for editors; this code gives the messages.
 */
import { isValidSysctlValue, normalizeValue, valuesEqual } from '../sysctl/value.js';
import { didYouMean } from '../parse/suggest.js';
import type { SysctlValue } from '../sysctl/types.js';
import type { Target } from './types.js';

export interface TargetIssue {
  /** Path below the target (e.g. ['set'] or ['one_of', 1]); [] = the target itself. */
  path: (string | number)[];
  /** True when the issue is about a key name (position: the key). */
  key?: boolean;
  message: string;
  hint?: string;
}

const SHAPES =
  'a value (60, "10240 65535"), {min: N, set: V}, {max: N, set: V}, {one_of: [..], set: V} or {absent_or: V}';
const TARGET_KEYS = ['min', 'max', 'set', 'one_of', 'absent_or'];

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Keys whose value is a vector of numbers (the kernel prints them tab-separated): only these
 * take a YAML list as their value (`[20000, 60999]`); anywhere else a list is a mistake.
 */
export const VECTOR_SYSCTLS: ReadonlySet<string> = new Set([
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ping_group_range',
  'net.ipv4.tcp_mem',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.udp_mem',
  'net.sctp.sctp_mem',
  'net.sctp.sctp_rmem',
  'net.sctp.sctp_wmem',
  'kernel.printk',
  'kernel.sem',
  'vm.lowmem_reserve_ratio',
]);

/** A written value → normalised SysctlValue, or an issue. `key` (when given) decides whether a
 * list is allowed: only for VECTOR_SYSCTLS. */
export function parseValue(
  raw: unknown,
  path: (string | number)[],
  issues: TargetIssue[],
  key?: string,
): SysctlValue | undefined {
  let v: string | undefined;
  if (typeof raw === 'number' && Number.isInteger(raw)) v = String(raw);
  else if (typeof raw === 'string') v = normalizeValue(raw);
  else if (Array.isArray(raw) && key !== undefined && !VECTOR_SYSCTLS.has(key)) {
    issues.push({
      path,
      message: `takes one value, got a list`,
      hint: `a list is accepted only for keys whose value is a vector (${[...VECTOR_SYSCTLS].slice(0, 3).join(', ')}, ...); write one value`,
    });
    return undefined;
  } else if (
    Array.isArray(raw) &&
    raw.length > 0 &&
    raw.every((x) => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'string')
  ) {
    v = normalizeValue(raw.map(String).join(' '));
  }
  if (v === undefined) {
    const hint =
      typeof raw === 'boolean'
        ? 'sysctls take numbers: write 1 or 0'
        : typeof raw === 'number'
          ? 'sysctl numbers are integers; quote the value if the key takes text'
          : undefined;
    issues.push({
      path,
      message: `expected a number, a string like "10240 65535" or a list of numbers, got ${describe(raw)}`,
      ...(hint ? { hint } : {}),
    });
    return undefined;
  }
  if (v !== undefined && /^(yes|no|true|false|on|off)$/i.test(v)) {
    issues.push({
      path,
      message: `${JSON.stringify(v)} is not a sysctl value`,
      hint: 'sysctls take numbers: write 1 or 0',
    });
    return undefined;
  }
  if (v === '' || !isValidSysctlValue(v)) {
    issues.push({
      path,
      message: `invalid value ${JSON.stringify(v)}: only letters, digits, spaces and _ . , : - are allowed`,
    });
    return undefined;
  }
  const octal = v.split(' ').find((f) => /^[-+]?0[0-9]+$/.test(f));
  if (octal !== undefined) {
    const digits = octal.replace(/^[-+]/, '');
    const asOctal = /^[0-7]+$/.test(digits) ? `as octal: ${parseInt(digits, 8)}` : 'as octal';
    issues.push({
      path,
      message: `${JSON.stringify(octal)} has a leading zero: the kernel would read it ${asOctal}`,
      hint: `write ${digits.replace(/^0+(?=\d)/, '')} if that is the number you mean`,
    });
    return undefined;
  }
  return v;
}

function bound(raw: unknown, path: (string | number)[], issues: TargetIssue[]): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  issues.push({ path, message: `expected an integer bound, got ${describe(raw)}` });
  return undefined;
}

/** Parses one target; issues are pushed, undefined returned when it cannot be used. */
export function parseTarget(raw: unknown, issues: TargetIssue[], key?: string): Target | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const before = issues.length;
    const value = parseValue(raw, [], issues, key);
    if (value === undefined && issues.length > before && raw !== null && typeof raw !== 'object') {
      const last = issues[issues.length - 1]!;
      if (last.message.startsWith('expected'))
        last.message = `expected ${SHAPES}, got ${describe(raw)}`;
    }
    return value === undefined ? undefined : { kind: 'exact', value };
  }
  const obj = raw as Record<string, unknown>;
  const keys = Object.keys(obj);
  const unknown = keys.filter((k) => !TARGET_KEYS.includes(k));
  for (const k of unknown) {
    issues.push({
      path: [k],
      key: true,
      message: `unknown target key "${k}"`,
      hint: didYouMean(k, TARGET_KEYS) ?? `expected ${SHAPES}`,
    });
  }
  const start = issues.length;
  if ('absent_or' in obj) {
    for (const k of keys.filter((k) => k !== 'absent_or' && TARGET_KEYS.includes(k))) {
      issues.push({ path: [k], key: true, message: `"${k}" cannot be combined with absent_or` });
    }
    const value = parseValue(obj['absent_or'], ['absent_or'], issues, key);
    return value === undefined || issues.length > start || unknown.length
      ? undefined
      : { kind: 'absent_or', value };
  }
  if ('one_of' in obj) {
    for (const k of keys.filter((k) => k === 'min' || k === 'max')) {
      issues.push({ path: [k], key: true, message: `"${k}" cannot be combined with one_of` });
    }
    const list = obj['one_of'];
    if (!Array.isArray(list) || list.length === 0) {
      issues.push({
        path: ['one_of'],
        message: `one_of must be a non-empty list of values, got ${describe(list)}`,
      });
      return undefined;
    }
    const values = list.map((v, i) => parseValue(v, ['one_of', i], issues, key));
    const set = 'set' in obj ? parseValue(obj['set'], ['set'], issues, key) : values[0];
    if (issues.length > start || unknown.length || set === undefined) return undefined;
    if (!values.some((v) => valuesEqual(v!, set))) {
      issues.push({
        path: ['set'],
        message: `set ${JSON.stringify(set)} is not one of the accepted values`,
        hint: 'set must be one of one_of, or sysfleet would write a non-compliant value',
      });
      return undefined;
    }
    return { kind: 'one_of', values: values as string[], set };
  }
  if ('min' in obj || 'max' in obj) {
    const min = bound(obj['min'], ['min'], issues);
    const max = bound(obj['max'], ['max'], issues);
    if (issues.length > start || unknown.length) return undefined;
    if (min !== undefined && max !== undefined && min > max) {
      issues.push({ path: [], message: `min ${min} is greater than max ${max}` });
      return undefined;
    }
    const set = 'set' in obj ? parseValue(obj['set'], ['set'], issues, key) : String(min ?? max);
    if (set === undefined) return undefined;
    const n = /^-?\d+$/.test(set) ? Number(set) : NaN;
    if (Number.isNaN(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
      issues.push({
        path: ['set'],
        message: `set ${JSON.stringify(set)} is outside [${min ?? '-∞'}, ${max ?? '∞'}]`,
        hint: 'set must satisfy the bounds, or sysfleet would write a non-compliant value',
      });
      return undefined;
    }
    return {
      kind: 'range',
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      set,
    };
  }
  if (unknown.length === 0)
    issues.push({ path: [], message: `expected ${SHAPES}, got an empty mapping` });
  return undefined;
}

/** The value sysfleet writes for a target (for absent_or: only where the key exists). */
export function valueToWrite(t: Target): SysctlValue {
  switch (t.kind) {
    case 'exact':
      return t.value;
    case 'range':
    case 'one_of':
      return t.set;
    case 'absent_or':
      return t.value;
  }
}
