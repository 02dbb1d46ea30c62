/**
 * Judging sysctl values against targets. Equality is the one of src/sysctl/value.ts
 * (whitespace-separated fields, integers compared exactly as numbers, other fields as strings).
 */
import type { SysctlValue } from '../sysctl/types.js';
import type { Target } from '../playbook/types.js';
import { valuesEqual } from '../sysctl/value.js';

export function fields(value: SysctlValue): string[] {
  return value.trim().split(/\s+/).filter(Boolean);
}

const NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** Does a present value meet the target? (range: every field must be a number within bounds.) */
export function satisfies(target: Target, value: SysctlValue): boolean {
  switch (target.kind) {
    case 'exact':
    case 'absent_or':
      return valuesEqual(target.value, value);
    case 'one_of':
      return target.values.some((v) => valuesEqual(v, value));
    case 'range': {
      const fs = fields(value);
      return (
        fs.length > 0 &&
        fs.every((f) => {
          if (!NUMBER.test(f)) return false;
          const n = Number(f);
          return (
            (target.min === undefined || n >= target.min) &&
            (target.max === undefined || n <= target.max)
          );
        })
      );
    }
  }
}

/** The value sysfleet writes when a change is needed. */
export function setValue(target: Target): SysctlValue {
  return target.kind === 'exact' || target.kind === 'absent_or' ? target.value : target.set;
}

/** Short human form of a target: `60`, `60..300`, `one of 0, 2`, `0 or absent`. */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'exact':
      return target.value;
    case 'absent_or':
      return `${target.value} or absent`;
    case 'one_of':
      return `one of ${target.values.join(', ')}`;
    case 'range':
      return `${target.min ?? ''}..${target.max ?? ''}`;
  }
}
