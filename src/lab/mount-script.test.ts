import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOST_MOUNT_SCRIPT } from './mount-script.js';

describe('host mount script', () => {
  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n'], { input: HOST_MOUNT_SCRIPT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('never writes the machine mount table: every mount and umount uses -n', () => {
    const calls = [...HOST_MOUNT_SCRIPT.matchAll(/(?:^|[\s;{])(u?mount \S+)/gm)].map((m) => m[1]);
    expect(calls.length).toBeGreaterThan(10);
    for (const call of calls) expect(call).toMatch(/^u?mount -n$/);
  });

  it('mounts every sysctl directory sysfleet reads', () => {
    for (const dir of [
      '/etc/sysctl.d',
      '/etc/sysctl.conf',
      '/usr/lib/sysctl.d',
      '/usr/local/lib/sysctl.d',
      '/lib/sysctl.d',
      '/var/lib/sysfleet',
    ]) {
      expect(HOST_MOUNT_SCRIPT).toContain(` ${dir}`);
    }
    expect(HOST_MOUNT_SCRIPT).toContain('runfs/sysctl.d');
  });
});

describe('agent scripts', () => {
  it.each(['agent.ts', 'sockets-agent.ts'])(
    '%s imports only node: builtins (it is copied alone into the lab dir)',
    (file) => {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
      const specifiers = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      expect(specifiers.length).toBeGreaterThan(0);
      for (const s of specifiers) expect(s).toMatch(/^node:/);
    },
  );
});
