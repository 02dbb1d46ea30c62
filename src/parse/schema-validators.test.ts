import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { generateValidators, OUT } from '../../scripts/gen-validators.mjs';
import { bundledSchema } from './files.js';
import { compileSchema } from './schema-check.js';

describe('precompiled schema validators', () => {
  it('are what scripts/gen-validators.mjs makes of schemas/*.json today (run it after a schema edit)', () => {
    expect(readFileSync(OUT as string, 'utf8')).toBe((generateValidators as () => string)());
  });

  it('serve the shipped schemas and validate with every error', () => {
    const v = compileSchema(bundledSchema('playbook.schema.json'));
    expect(v({ name: 'x' })).toBe(false);
    expect(v.errors?.map((e) => e.params)).toEqual(
      expect.arrayContaining([{ missingProperty: 'why' }, { missingProperty: 'targets' }]),
    );
    expect(compileSchema(bundledSchema('inventory-vars.schema.json'))({})).toBe(true);
    expect(() => compileSchema({ $id: 'https://example.com/other.json' })).toThrow(/internal/);
  });
});
