/**
 * The VM tests (npm run test:vm) boot real QEMU guests (src/lab/vm). This setup checks the
 * machine can, builds (or finds) the cached images the selected tests need, so a cold cache's
 * build time is not charged to a test's hook timeout, and removes at teardown the labs THIS run
 * made (owner file), also when tests failed. In CI a missing prerequisite fails the run.
 */
import { accessSync, constants } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { labDirs, labDown, labOwner, LAB_ROOT } from '../../src/lab/index.js';
import { ensureImage, type Distro } from '../../src/lab/vm/index.js';
import { join } from 'node:path';
import { vmDistros } from './matrix.js';

declare module 'vitest' {
  export interface ProvidedContext {
    vmOwner: string;
  }
}

function missing(): string[] {
  const out: string[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) out.push('root');
  for (const tool of [
    '/usr/bin/qemu-system-x86_64',
    '/usr/bin/qemu-img',
    '/usr/sbin/debootstrap',
    '/usr/bin/flock',
    '/usr/bin/dropbearconvert',
    '/usr/sbin/mkfs.ext4',
    '/usr/bin/ssh',
  ]) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      out.push(tool);
    }
  }
  return out;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const gone = missing();
  if (gone.length > 0) {
    // No skipping here, in CI or out: `npm run test:vm` is asked for explicitly.
    throw new Error(
      `VM tests need: ${gone.join(', ')} (install: bash scripts/setup.sh --test --vm; run as root)`,
    );
  }
  const owner = `vitest-${process.pid}-vm-${Date.now().toString(36)}`;
  const need = new Set<Distro>(vmDistros());
  need.add('busybox'); // lifecycle.test.ts, every run
  for (const d of need) {
    const started = Date.now();
    await ensureImage(d, (l) => process.stderr.write(`vm setup: ${l}\n`));
    process.stderr.write(
      `vm setup: ${d} image ready (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
  }
  project.provide('vmOwner', owner);
  return async () => {
    for (const name of labDirs()) {
      if (labOwner(join(LAB_ROOT, name)) !== owner) continue;
      await labDown(name).catch((err: unknown) => {
        process.stderr.write(`VM lab teardown of ${name} failed: ${String(err)}\n`);
      });
    }
  };
}
