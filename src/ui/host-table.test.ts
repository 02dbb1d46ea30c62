import { describe, expect, it } from 'vitest';
import { append, createHostTable, forEachHost, getHost, positionOf, setAt } from './host-table.js';

type Rec = { name: string; v: number };
const table = (n: number) =>
  createHostTable<Rec>(
    Array.from({ length: n }, (_, i) => ({ name: `h${i}`, v: i })),
    (r) => r.name,
  );
const all = (t: ReturnType<typeof table>) => {
  const out: string[] = [];
  forEachHost(t, (r) => out.push(`${r.name}=${r.v}`));
  return out;
};

describe('HostTable', () => {
  it('replaces one record without touching the previous version', () => {
    const a = table(100);
    const b = setAt(a, positionOf(a, 'h57')!, { name: 'h57', v: -1 });
    expect(getHost(a, 'h57')?.v).toBe(57);
    expect(getHost(b, 'h57')?.v).toBe(-1);
    expect(all(b)).toHaveLength(100);
  });

  it('appends; an older version does not see the new host', () => {
    const a = table(3);
    const b = append(a, 'x', { name: 'x', v: 9 });
    expect(getHost(b, 'x')?.v).toBe(9);
    expect(getHost(a, 'x')).toBeUndefined();
    expect(all(a)).toEqual(['h0=0', 'h1=1', 'h2=2']);
  });

  it('two appends forked from one version do not see each other', () => {
    const a = table(3);
    const b = append(a, 'x', { name: 'x', v: 1 });
    const c = append(a, 'y', { name: 'y', v: 2 });
    expect(getHost(b, 'y')).toBeUndefined();
    expect(getHost(c, 'x')).toBeUndefined();
    expect(getHost(b, 'x')?.v).toBe(1);
    expect(getHost(c, 'y')?.v).toBe(2);
  });

  it('rejects duplicate host names', () => {
    expect(() => createHostTable([{ name: 'a' }, { name: 'a' }], (r) => r.name)).toThrow(
      /duplicate/,
    );
    expect(() => append(table(2), 'h1', { name: 'h1', v: 0 })).toThrow(/duplicate/);
  });
});
