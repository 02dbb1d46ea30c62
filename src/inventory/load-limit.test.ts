import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finalize, newInventoryData, reconcile } from './inventory-data.js';
import { parseIniInventory } from './inventory-ini.js';
import { selectHosts } from './host-pattern.js';
import { expandLimitFiles } from './load-limit.js';

const DIR = join(import.meta.dirname, '../../test/fixtures/inventories/limit');
const data = newInventoryData();
parseIniInventory('[web]\nweb[01:04]\n', 'i.ini', data);
reconcile(data);
const inv = finalize(data, ['i.ini']);

describe('expandLimitFiles', () => {
  it('leaves patterns without @file alone', async () => {
    expect(await expandLimitFiles('web:&prod', DIR)).toBe('web:&prod');
  });
  it('reads a retry file (one host a line, comments and blanks skipped)', async () => {
    expect(await expandLimitFiles('@web.retry', DIR)).toBe('web02,web04');
    expect(selectHosts(inv, await expandLimitFiles('@web.retry', DIR)).map((h) => h.name)).toEqual([
      'web02',
      'web04',
    ]);
  });
  it('excludes a file with !@file', async () => {
    const p = await expandLimitFiles('web:!@web.retry', DIR);
    expect(selectHosts(inv, p).map((h) => h.name)).toEqual(['web01', 'web03']);
  });
  it('names a missing file', async () => {
    await expect(expandLimitFiles('@nope.retry', DIR)).rejects.toThrow(
      /cannot read limit file "nope.retry"/,
    );
  });
});
