/**
 * The image cache (default /var/cache/sysfleet/lab, `SYSFLEET_VM_CACHE` to move it): one image
 * per distro, built once from the Debian archive by build-image.sh (busybox-image.sh for the
 * busybox guest) and reused until the recipe changes. A directory is named `<distro>-<hash of the
 * recipe>`, so editing a build script rebuilds on the next `lab up`; builds of the same distro
 * are serialised with flock(1), concurrent labs wait for one build instead of racing it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, runOk } from '../proc.js';
import type { Distro, GuestImage } from './types.js';

export const DEFAULT_CACHE = '/var/cache/sysfleet/lab';

export function cacheRoot(): string {
  return process.env['SYSFLEET_VM_CACHE'] ?? DEFAULT_CACHE;
}

/** A build script beside this module (dist/lab/vm or src/lab/vm). */
function script(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, name), join(here, '../../../src/lab/vm', name)]) {
    if (existsSync(p)) return p;
  }
  throw new Error(`${name} not found beside ${here}`);
}

function hashOf(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 8);
}

/** The cache directory an image of `distro` lives in with the current recipe. */
export function imageDir(distro: Distro, root = cacheRoot()): string {
  const debian = readFileSync(script('build-image.sh'), 'utf8');
  const hash =
    distro === 'busybox'
      ? hashOf(debian, readFileSync(script('busybox-image.sh'), 'utf8'))
      : hashOf(debian);
  return join(root, `${distro}-${hash}`);
}

async function keyPair(path: string, comment: string): Promise<void> {
  if (existsSync(path) && existsSync(`${path}.pub`)) return;
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/**
 * The lab's client key and each image's host key live in `<cache>/keys` (0700): they are baked
 * into the images, so every lab from this cache reaches its guests with them and known_hosts is
 * exact. They are test-fleet keys for loopback-only guests, never a user's.
 */
export async function cacheKeys(root = cacheRoot()): Promise<{ client: string }> {
  const keys = join(root, 'keys');
  mkdirSync(keys, { recursive: true, mode: 0o700 });
  await keyPair(join(keys, 'id_ed25519'), 'sysfleet-lab-vm');
  return { client: join(keys, 'id_ed25519') };
}

async function hostKey(distro: Distro, root: string): Promise<string> {
  const path = join(root, 'keys', `host-${distro}`);
  await keyPair(path, `sysfleet-lab-${distro}`);
  return path;
}

const BUILD_TIMEOUT_MS = 30 * 60_000;

/** Run a build script under the distro's lock unless `done` appeared meanwhile. */
async function buildLocked(
  root: string,
  distro: Distro,
  done: string,
  argv: string[],
  log: (line: string) => void,
): Promise<void> {
  log(`building the ${distro} image (once per recipe; cold: about 1-2 min per Debian suite)`);
  const started = Date.now();
  const r = await run(
    'flock',
    [
      '-w',
      String(BUILD_TIMEOUT_MS / 1000),
      join(root, `.lock-${distro}`),
      'sh',
      '-c',
      'test -e "$1" && exit 0; shift; exec bash "$@"',
      'sh',
      done,
      ...argv,
    ],
    { timeoutMs: BUILD_TIMEOUT_MS },
  );
  if (r.code !== 0 || !existsSync(done)) {
    throw new Error(
      `building the ${distro} VM image failed (exit ${String(r.code)}):\n${(r.stdout + r.stderr).trim().slice(-3000)}\n` +
        'needs root, debootstrap, qemu-utils, e2fsprogs and the Debian archive (bash scripts/setup.sh --vm)',
    );
  }
  log(`${distro} image ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Old recipes' images of the same distro: removed once the current one exists. */
function pruneOld(root: string, keep: string, distro: Distro): void {
  for (const e of readdirSync(root)) {
    const path = join(root, e);
    if (
      path !== keep &&
      (e.startsWith(`${distro}-`) || e === `${distro}`) &&
      !e.includes('.lock')
    ) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/** The image of `distro`, built first when the cache does not hold the current recipe's. */
export async function ensureImage(
  distro: Distro,
  log: (line: string) => void = () => undefined,
  root = cacheRoot(),
): Promise<GuestImage> {
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const { client } = await cacheKeys(root);
  const key = await hostKey(distro, root);
  const dir = imageDir(distro, root);
  if (distro === 'busybox') {
    const kernel = await ensureImage('bookworm', log, root);
    const done = join(dir, 'initramfs.cpio.gz');
    if (!existsSync(done)) {
      await buildLocked(
        root,
        distro,
        done,
        [script('busybox-image.sh'), dir, dirname(kernel.kernel), `${client}.pub`, key],
        log,
      );
      pruneOld(root, dir, distro);
    }
    return {
      distro,
      kernel: join(dir, 'vmlinuz'),
      initrd: done,
      hostPublicKey: readFileSync(`${key}.pub`, 'utf8').trim(),
    };
  }
  const base = join(dir, 'base.qcow2');
  if (!existsSync(base)) {
    await buildLocked(
      root,
      distro,
      base,
      [script('build-image.sh'), distro, dir, `${client}.pub`, key, join(root, 'debs')],
      log,
    );
    pruneOld(root, dir, distro);
  }
  return {
    distro,
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    base,
    hostPublicKey: readFileSync(`${key}.pub`, 'utf8').trim(),
  };
}
