/**
 * `lab up --vm`: real QEMU guests behind loopback ports, with the namespace lab's outputs
 * (inventory.yaml, inventory-become.yaml, known_hosts, id_ed25519, ssh_config, sudo-password,
 * state.json) in the same state dir, so every sysfleet command works against them unchanged.
 * Each guest boots from its own qcow2 overlay of the cached image: a clean disk every time.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderInventory, renderKnownHosts, renderSshConfig } from '../inventory.js';
import { labDir as labDirOf } from '../layout.js';
import { hostNames, portCandidates, randomLabName, validateLabName } from '../names.js';
import { mapLimit, runOk } from '../proc.js';
import { buildInNewLabDir, ownerOf, requireRoot } from '../state.js';
import { sudoModes } from '../host-files.js';
import { LAB_USER, SUDO_PASSWORD_ENV, sha512Crypt } from '../up.js';
import { chooseAccel } from './accel.js';
import { assignDistros, DISTROS } from './distros.js';
import {
  DEFAULT_BOOT_TIMEOUT_MS,
  guestFiles,
  portFree,
  sshGuest,
  startQemu,
  waitForSsh,
} from './guest.js';
import { cacheKeys, ensureImage } from './image.js';
import { guestProcessName, qemuArgs } from './qemu-args.js';
import { writeVmState } from './state.js';
import { sudoSetupScript } from './sudo-script.js';
import type { Distro, GuestImage, VmGuest, VmLabState } from './types.js';
import { VmLab } from './vmlab.js';
import { vmLabDown } from './down.js';

export interface VmLabUpOptions {
  name?: string;
  distros: Distro[];
  /** Guests, the distros repeated round-robin (default one per distro). */
  hosts?: number;
  /** NUMA nodes per guest (1 = none). */
  numa?: number;
  /** MiB per guest (default 512, or 512 per NUMA node). */
  memoryMiB?: number;
  cpus?: number;
  owner?: string;
  root?: string;
  /** Boot to sshd timeout per guest (default 360 s: TCG on a shared 2-core machine). */
  bootTimeoutMs?: number;
  log?: (line: string) => void;
}

async function freePort(lab: string, taken: Set<number>): Promise<number> {
  for (const p of portCandidates(`vm${lab}`).slice(0, 2000)) {
    if (!taken.has(p) && (await portFree(p))) {
      taken.add(p);
      return p;
    }
  }
  throw new Error('no free loopback port in 20000-32767 for a guest');
}

export async function vmLabUp(opts: VmLabUpOptions): Promise<VmLab> {
  requireRoot();
  const name = validateLabName(opts.name ?? randomLabName());
  const dir = labDirOf(name, opts.root);
  if (existsSync(dir)) {
    throw new Error(`lab "${name}" already exists: sysfleet lab down --name ${name}`);
  }
  return buildInNewLabDir(
    dir,
    ownerOf(opts.owner),
    () => build(name, dir, opts),
    () => vmLabDown(name, { root: opts.root }),
  );
}

async function build(name: string, dir: string, opts: VmLabUpOptions): Promise<VmLab> {
  const log = opts.log ?? (() => undefined);
  const distros = assignDistros(opts.distros, opts.hosts);
  const numa = opts.numa ?? 1;
  if (!Number.isInteger(numa) || numa < 1 || numa > 4) {
    throw new Error(`--numa must be 1-4 nodes, got ${String(opts.numa)}`);
  }
  const images = new Map<Distro, GuestImage>();
  for (const d of new Set(distros)) images.set(d, await ensureImage(d, log));
  const accel = await chooseAccel(images.values().next().value!.kernel, log);

  const keyPath = join(dir, 'id_ed25519');
  const cacheKey = (await cacheKeys()).client;
  copyFileSync(cacheKey, keyPath);
  copyFileSync(`${cacheKey}.pub`, `${keyPath}.pub`);
  const password = randomBytes(18).toString('base64url');
  const passwordPath = join(dir, 'sudo-password');
  writeFileSync(passwordPath, password + '\n', { mode: 0o600 });
  const passwordHash = await sha512Crypt(password);

  const names = hostNames(distros.length);
  const modes = sudoModes(names.length, Math.floor(names.length / 2));
  const taken = new Set<number>();
  const guests: VmGuest[] = [];
  for (const [i, host] of names.entries()) {
    const distro = distros[i]!;
    const image = images.get(distro)!;
    const gdir = join(dir, 'hosts', host);
    mkdirSync(gdir, { recursive: true, mode: 0o700 });
    const overlay = image.base ? join(gdir, 'disk.qcow2') : undefined;
    if (overlay && image.base) {
      await runOk('qemu-img', [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-b',
        image.base,
        '-F',
        'qcow2',
        overlay,
      ]);
    }
    const cpus = opts.cpus ?? Math.max(1, numa);
    const memoryMiB = opts.memoryMiB ?? (distro === 'busybox' ? 256 : 512) * numa;
    const port = await freePort(name, taken);
    const argv = qemuArgs({
      name: guestProcessName(name, host),
      accel,
      cpus,
      memoryMiB,
      numaNodes: numa,
      kernel: image.kernel,
      initrd: image.initrd,
      ...(overlay ? { disk: overlay } : {}),
      hostname: host,
      port,
      consoleLog: guestFiles(gdir).console,
    });
    guests.push({
      name: host,
      distro,
      port,
      dir: gdir,
      ...(overlay ? { overlay } : {}),
      argv,
      pid: 0,
      sudo: DISTROS[distro].full ? modes[i]! : 'nopasswd',
      behindBastion: false,
      memoryMiB,
      cpus,
      numaNodes: numa,
    });
  }
  const state: VmLabState = {
    version: 1,
    kind: 'vm',
    name,
    dir,
    createdAt: new Date().toISOString(),
    owner: ownerOf(opts.owner),
    accel,
    hosts: guests,
    user: { root: 'root', nonRoot: LAB_USER },
    keyPath,
    knownHostsPath: join(dir, 'known_hosts'),
    sshConfigPath: join(dir, 'ssh_config'),
    inventoryPath: join(dir, 'inventory.yaml'),
    becomeInventoryPath: join(dir, 'inventory-become.yaml'),
    sudoPasswordPath: passwordPath,
    sudoPasswordEnv: SUDO_PASSWORD_ENV,
  };
  writeFileSync(
    state.knownHostsPath,
    renderKnownHosts(
      guests.map((g) => ({ port: g.port, publicKey: images.get(g.distro)!.hostPublicKey })),
    ),
  );
  writeFileSync(state.sshConfigPath, renderSshConfig(state));
  writeVmState(state);
  // Started one by one (each PID recorded before the next), booted in parallel.
  for (const g of guests) {
    g.pid = await startQemu(g.argv, g.dir);
    writeVmState(state);
  }
  const timeout = opts.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS;
  await mapLimit(guests, guests.length, async (g) => {
    const ms = await waitForSsh(
      { port: g.port, keyPath, knownHostsPath: state.knownHostsPath },
      g.pid,
      g.dir,
      timeout,
    );
    log(`${g.name} (${g.distro}) sshd answers after ${(ms / 1000).toFixed(1)} s`);
    if (DISTROS[g.distro].full) {
      const r = await sshGuest(
        { port: g.port, keyPath, knownHostsPath: state.knownHostsPath },
        sudoSetupScript(LAB_USER, passwordHash, g.sudo),
      );
      if (r.code !== 0) throw new Error(`${g.name}: sudo setup failed: ${r.stderr.trim()}`);
    }
  });
  writeFileSync(state.inventoryPath, renderInventory(state, 'root'));
  const full = guests.filter((g) => DISTROS[g.distro].full);
  writeFileSync(state.becomeInventoryPath, renderInventory({ ...state, hosts: full }, 'nonroot'));
  writeVmState(state);
  return new VmLab(state);
}
