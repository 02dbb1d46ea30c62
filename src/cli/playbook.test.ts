import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../playbook/load-playbook.js';
import { registerPlaybook } from './playbook.js';

const F = join(import.meta.dirname, '../../test/fixtures/import');

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('sysfleet').exitOverride();
  registerPlaybook(program, { out: (t) => (out += t), err: (t) => (err += t) });
  await program.parseAsync(['node', 'sysfleet', ...args]);
  return { out, err };
}

describe('sysfleet playbook import', () => {
  it('writes a playbook that loads, from several kinds of input, later inputs winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysfleet-import-'));
    try {
      const file = join(dir, 'team.yaml');
      const { out, err } = await run(
        'playbook',
        'import',
        join(F, '60-net.conf'),
        join(F, 'tuned/db-node'),
        '-o',
        file,
        '--name',
        'team',
      );
      expect(out).toBe('');
      expect(err).toBe(
        `sysfleet: 6 target(s) imported; 5 thing(s) not carried over (listed at the end); wrote ${file}\n`,
      );
      const pb = await loadPlaybook(file);
      expect(pb.name).toBe('team');
      expect(pb.persist).toBe('60-net');
      expect(pb.targets['net.core.somaxconn']).toEqual({ kind: 'exact', value: '8192' });
      expect(readFileSync(file, 'utf8')).toContain('# Not carried over:\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refuses an input it cannot tell, naming it', async () => {
    await expect(run('playbook', 'import', join(F, '../import-broken'))).rejects.toThrow(
      /import-broken: a directory that is neither an Ansible role \(tasks\/main\.yml\) nor a TuneD profile/,
    );
  });
});
