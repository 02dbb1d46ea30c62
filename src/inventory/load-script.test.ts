import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from './load-inventory.js';
import { runInventoryScript } from './load-script.js';

const dir = mkdtempSync(join(tmpdir(), 'sf-invscript-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function script(body: string): string {
  const path = join(dir, `inv-${n++}`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** True while a process with this pid exists (signal 0 probes, sends nothing). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const limits = { timeoutMs: 1000, maxBytes: 1024 * 1024 };

describe('runInventoryScript', () => {
  it('returns what the script printed and passes its arguments', async () => {
    const s = script('printf \'{"args": "%s %s"}\' "$1" "$2"');
    expect(JSON.parse(await runInventoryScript(s, ['--host', 'web1'], limits))).toEqual({
      args: '--host web1',
    });
  });

  it('stops a script that prints without end at the cap', async () => {
    const s = script('yes "{}"');
    const t0 = Date.now();
    await expect(
      runInventoryScript(s, ['--list'], { ...limits, timeoutMs: 20_000 }),
    ).rejects.toThrow('printed more than 1 MiB');
    // stopped by the cap, long before the deadline
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('ends by the deadline when a child keeps stdout open, and stops that child', async () => {
    const pidFile = join(dir, 'child.pid');
    const s = script(`sleep 60 & echo $! > '${pidFile}'\necho '{}'`);
    const t0 = Date.now();
    await expect(runInventoryScript(s, ['--list'], limits)).rejects.toThrow(
      'did not finish within 1 s',
    );
    expect(Date.now() - t0).toBeLessThan(8_000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });

  it('kills a script that ignores SIGTERM', async () => {
    const s = script("trap '' TERM\nwhile :; do sleep 1; done");
    const t0 = Date.now();
    await expect(runInventoryScript(s, ['--list'], limits)).rejects.toThrow('did not finish');
    expect(Date.now() - t0).toBeLessThan(8_000);
  });

  it('reports a failing script with its exit status and last stderr line', async () => {
    const s = script('echo "first" >&2\necho "cloud API: 403 Forbidden" >&2\nexit 3');
    await expect(runInventoryScript(s, ['--list'], limits)).rejects.toThrow(
      'exit status 3: cloud API: 403 Forbidden',
    );
  });
});

describe('loadInventory with a script', () => {
  it('refuses a script whose output passes the cap, naming the source', async () => {
    const s = script('yes "{}"');
    await expect(loadInventory([s], { scriptLimits: { maxBytes: 64 * 1024 } })).rejects.toThrow(
      'inventory script failed: printed more than 0.1 MiB',
    );
  });
});
