import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelErrors } from './errors.js';
import { InputFileError, readText } from './files.js';
import { loadInventory } from '../inventory/load-inventory.js';
import { loadPlaybook } from '../playbook/load-playbook.js';
import { loadSshConfig } from '../connection/load-ssh-config.js';
import { KnownHostsStore } from '../transport/known-hosts-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sf-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function modelError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ModelErrors);
  return (e as ModelErrors).format();
}

describe('readText', () => {
  it('reads a regular file', async () => {
    writeFileSync(join(dir, 'ok'), 'a: 1\n');
    expect(await readText(join(dir, 'ok'))).toBe('a: 1\n');
  });

  it('refuses a device, a FIFO and a file over the limit without reading them', async () => {
    await expect(readText('/dev/zero')).rejects.toThrow(
      /is a character device, not a regular file/,
    );
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readText(fifo)).rejects.toThrow(/is a FIFO/);
    writeFileSync(join(dir, 'big'), 'x'.repeat(2 * 1024 * 1024 + 1));
    await expect(readText(join(dir, 'big'), 2 * 1024 * 1024)).rejects.toThrow(
      /larger than 2 MiB, the most sysfleet reads of one file/,
    );
    await expect(readText('/dev/zero')).rejects.toBeInstanceOf(InputFileError);
  });

  it('inventories, playbooks and ssh_config refuse /dev/zero with the file named', async () => {
    expect(await modelError(loadInventory(['/dev/zero']))).toMatch(
      /^\/dev\/zero.*character device.*refusing/,
    );
    expect(await modelError(loadPlaybook('/dev/zero'))).toMatch(/^\/dev\/zero.*character device/);
    expect(await modelError(loadSshConfig('/dev/zero'))).toMatch(/^\/dev\/zero.*character device/);
    await expect(KnownHostsStore.load(['/dev/zero'])).rejects.toThrow(
      /known_hosts: \/dev\/zero is a character device/,
    );
  });

  it('a playbook over 4 MiB is refused', async () => {
    const p = join(dir, 'huge.yaml');
    writeFileSync(p, `# ${'x'.repeat(4 * 1024 * 1024)}\n`);
    expect(await modelError(loadPlaybook(p))).toMatch(/larger than 4 MiB/);
  });
});
