/**
 * The checkout must work on case-insensitive file systems (macOS, Windows): operators run the
 * control node from laptops. Two paths that differ only in case would collide there, and so
 * would two sources that compile to such paths (summary.ts and Summary.tsx both emit *ummary.js).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'coverage']);

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(relative(ROOT, p));
  }
  return out;
}

describe('repository files', () => {
  it('has no two paths (as sources or as compiled .js) that differ only in letter case', () => {
    const files = walk(ROOT, []);
    expect(files.length).toBeGreaterThan(100);
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const f of files) {
      const k = f.toLowerCase().replace(/\.tsx?$/, '.js');
      const other = seen.get(k);
      if (other !== undefined) clashes.push(`${other} <-> ${f}`);
      else seen.set(k, f);
    }
    expect(clashes).toEqual([]);
  });
});
