import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { spawnProxyCommand } from './proxy-command.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('spawnProxyCommand', () => {
  it('its stdio is the socket, and kill() ends it by PID', async () => {
    const p = spawnProxyCommand('exec cat', { PATH: process.env['PATH'] ?? '/usr/bin:/bin' });
    p.sock.write('ping\n');
    const [chunk] = (await once(p.sock, 'data')) as [Buffer];
    expect(chunk.toString()).toBe('ping\n');
    expect(p.pid && alive(p.pid)).toBe(true);
    p.kill();
    await p.exited;
    expect(alive(p.pid!)).toBe(false);
    expect(p.describe()).toBe('ProxyCommand killed by SIGHUP');
  });
  it('describes how a failing command ended and the tail of its stderr', async () => {
    const p = spawnProxyCommand('echo "cannot reach bastion" >&2; exit 7', {
      PATH: process.env['PATH'] ?? '',
    });
    await p.exited;
    await new Promise((r) => setTimeout(r, 50));
    expect(p.describe()).toBe('ProxyCommand exited with 7; stderr: cannot reach bastion');
    p.kill(); // idempotent after exit
  });
  it('uses $SHELL as ssh does, /bin/sh when unset', async () => {
    const p = spawnProxyCommand('echo "$0"', { SHELL: '/bin/sh', PATH: process.env['PATH'] ?? '' });
    const [chunk] = (await once(p.sock, 'data')) as [Buffer];
    expect(chunk.toString().trim()).toBe('/bin/sh');
    await p.exited;
  });
});
