/**
 * Sysctl values as sysfleet compares them: whitespace-separated fields joined by one space, a
 * strict alphabet (values end up in sysctl.d lines on a host), numeric field-by-field equality.
 */
import type { SysctlValue } from './types.js';

/** Values: numbers, words and separators only (`10240 65535`, `bbr`, `fq_codel`, `1,2`). */
export const VALUE_PATTERN = /^[0-9A-Za-z _.,:-]*$/;
export const MAX_VALUE_LENGTH = 4096;

/** `60` → `"60"`, `"10240\t65535 "` → `"10240 65535"` (fields joined by one space). */
export function normalizeValue(value: string | number): SysctlValue {
  return String(value).trim().split(/\s+/).filter(Boolean).join(' ');
}

/** True for a non-empty normalised value made only of `[0-9A-Za-z _.,:-]`. */
export function isValidSysctlValue(value: string): boolean {
  return value.length > 0 && value.length <= MAX_VALUE_LENGTH && VALUE_PATTERN.test(value);
}

const INT_RE = /^[-+]?\d+$/;

/**
 * Compares two values as the kernel means them: same number of whitespace-separated fields,
 * integer fields compared as numbers (`"010"` equals `"10"`), other fields as strings.
 */
export function valuesEqual(a: string, b: string): boolean {
  const fa = normalizeValue(a).split(' ');
  const fb = normalizeValue(b).split(' ');
  if (fa.length !== fb.length) return false;
  return fa.every((x, i) => {
    const y = fb[i]!;
    if (INT_RE.test(x) && INT_RE.test(y)) return BigInt(x) === BigInt(y);
    return x === y;
  });
}
