/**
 * `lab up`: builds a disposable fleet of real OpenSSH hosts on this machine (see README.md).
 * On any failure everything made so far is torn down before the error is rethrown.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { agentPath, installAgent } from './agent-install.js';
import {
  freeUid,
  renderAccounts,
  renderSshdConfig,
  renderDoasConf,
  renderSudoersDropIn,
  rootPasswordFlags,
  sudoModes,
  sysctlSeed,
} from './host-files.js';
import { renderInventory, renderKnownHosts, renderSshConfig } from './inventory.js';
import { Lab } from './lab.js';
import { labDown, leftoverNetns } from './down.js';
import { hostLayout, labDir as labDirOf } from './layout.js';
import { hostNames, portCandidates, randomLabName, validateLabName } from './names.js';
import { HOST_MOUNT_SCRIPT } from './mount-script.js';
import { alive, mapLimit, run, runOk } from './proc.js';
import type { LabHost, LabState, LabVariant } from './types.js';
import { formatLabNeeds, labNeeds } from './prereqs.js';
import { keygen } from './keygen.js';
import { bastionRoute, installedPqKex, renderCaKnownHosts, signLab } from './variants.js';
import { buildInNewLabDir, ownerOf, requireRoot, writeState } from './state.js';

export interface LabUpOptions {
  /** Lab name (1-16 of [a-z0-9]); default a random `t######`. */
  name?: string;
  hosts: number;
  /** Add a `bastion` host; the other hosts are then reachable only through it. */
  bastion?: boolean;
  /** Host and user certificates from a lab CA; known_hosts holds only @cert-authority. */
  sshCa?: boolean;
  /** sshd offers only post-quantum key exchanges (sntrup761x25519; mlkem768x25519 where present). */
  pqOnly?: boolean;
  /** How many hosts (the last ones) get password sudo; default half, rounded down. */
  sudoPasswordHosts?: number;
  /**
   * How many hosts (the last ones) give root a password of its own (`<lab>/root-password`), so
   * the lab user can `su` to root with it; default 0 (root's password is `*`).
   */
  rootPasswordHosts?: number;
  /**
   * Recorded in the lab dir; test teardown removes only labs with its own owner. Default:
   * $SYSFLEET_LAB_OWNER, else `cli`.
   */
  owner?: string;
  /** State root, default /run/sysfleet-lab. */
  root?: string;
}

export const LAB_USER = 'sflab';
export const SUDO_PASSWORD_ENV = 'SYSFLEET_LAB_SUDO_PASSWORD';

const parallelism = 8;

/**
 * crypt(3) SHA-512 hash of `password` with perl (perl-base is Essential on Debian and Ubuntu, so
 * always there; openssl may not be). The password travels on stdin, the random salt in argv.
 */
export async function sha512Crypt(password: string): Promise<string> {
  const salt = randomBytes(12)
    .toString('base64')
    .replace(/[^a-zA-Z0-9]/g, '.');
  const script = 'my $p = <STDIN>; chomp $p; print crypt($p, "\\$6\\$" . $ARGV[0] . "\\$")';
  const hash = (await runOk('perl', ['-e', script, salt], { stdin: password + '\n' })).trim();
  if (!hash.startsWith(`$6$${salt}$`)) throw new Error('crypt(3) did not produce a SHA-512 hash');
  return hash;
}

function mkdirs(...dirs: string[]): void {
  for (const d of dirs) mkdirSync(d, { recursive: true, mode: 0o755 });
}

/** Copy a machine file's content, mode and owner into the host (account files, sudoers). */
function writeLike(target: string, content: string, like: string, fallbackMode: number): void {
  writeFileSync(target, content);
  try {
    const st = statSync(like);
    chmodSync(target, st.mode & 0o7777);
    chownSync(target, st.uid, st.gid);
  } catch {
    chmodSync(target, fallbackMode);
  }
}

interface MachineFiles {
  passwd: string;
  shadow: string;
  group: string;
  sudoers: string;
  uid: number;
  libIsSymlink: boolean;
}

function readMachine(): MachineFiles {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const group = readFileSync('/etc/group', 'utf8');
  return {
    passwd,
    group,
    shadow: readFileSync('/etc/shadow', 'utf8'),
    sudoers: existsSync('/etc/sudoers')
      ? readFileSync('/etc/sudoers', 'utf8')
      : 'root ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n',
    uid: freeUid(passwd, group),
    libIsSymlink: lstatSync('/lib').isSymbolicLink(),
  };
}

function prepareHostFiles(
  host: Omit<LabHost, 'port'>,
  machine: MachineFiles,
  passwordHash: string,
  clientPub: string,
  variant: LabVariant,
  rootHash: string,
): void {
  const b = host.backing;
  const etc = join(host.dir, 'etc');
  mkdirs(
    b.etcSysctlD,
    b.runSysctlD,
    b.usrLibSysctlD,
    b.usrLocalLibSysctlD,
    ...(b.libSysctlD ? [b.libSysctlD] : []),
    join(b.etcSsh, 'authorized_keys'),
    join(etc, 'sudoers.d'),
    join(host.dir, 'runfs'),
  );
  mkdirSync(b.varLibSysfleet, { recursive: true, mode: 0o700 });
  const seed = sysctlSeed();
  for (const [file, text] of Object.entries(seed.usrLib)) {
    writeFileSync(join(b.usrLibSysctlD, file), text);
  }
  for (const [file, text] of Object.entries(seed.etc))
    writeFileSync(join(b.etcSysctlD, file), text);
  symlinkSync('../sysctl.conf', join(b.etcSysctlD, '99-sysctl.conf'));
  writeFileSync(b.sysctlConf, seed.sysctlConf);

  writeFileSync(join(b.etcSsh, 'sshd_config'), renderSshdConfig(variant));
  // No moduli copy (550 kB a host): without it sshd falls back to its built-in DH groups for the
  // rare client that asks for diffie-hellman-group-exchange.
  if (existsSync('/etc/ssh/ssh_config')) {
    copyFileSync('/etc/ssh/ssh_config', join(b.etcSsh, 'ssh_config'));
  }
  for (const user of ['root', LAB_USER]) {
    const path = join(b.etcSsh, 'authorized_keys', user);
    writeFileSync(path, clientPub + '\n', { mode: 0o644 });
  }
  const accounts = renderAccounts(
    machine,
    { name: LAB_USER, uid: machine.uid, passwordHash },
    host.rootPassword ? rootHash : undefined,
  );
  writeLike(join(etc, 'passwd'), accounts.passwd, '/etc/passwd', 0o644);
  writeLike(join(etc, 'group'), accounts.group, '/etc/group', 0o644);
  writeLike(join(etc, 'shadow'), accounts.shadow, '/etc/shadow', 0o640);
  writeLike(join(etc, 'sudoers'), machine.sudoers, '/etc/sudoers', 0o440);
  writeFileSync(join(etc, 'sudoers.d', LAB_USER), renderSudoersDropIn(LAB_USER, host.sudo), {
    mode: 0o440,
  });
  writeFileSync(join(etc, 'doas.conf'), renderDoasConf(LAB_USER, host.sudo), { mode: 0o400 });
}

/**
 * `unshare --mount=<file>` binds the new namespace's file while that namespace is still a
 * propagation peer of ours (it goes private only afterwards). Where the machine's mounts are
 * shared (systemd; reproduced with / rshared) that bind sometimes fails with EINVAL: unshare then
 * stops before running the script, so nothing was mounted and trying again is safe (bounded).
 */
async function buildMountNamespace(host: Omit<LabHost, 'port'>, uid: number): Promise<void> {
  const attempts = 10;
  for (let attempt = 1; ; attempt++) {
    writeFileSync(host.mntnsPath, '');
    const r = await run(
      'nsenter',
      [
        `--net=${host.netnsPath}`,
        '--',
        'unshare',
        `--mount=${host.mntnsPath}`,
        '--propagation',
        'private',
        '--',
        'bash',
        '-s',
        host.dir,
        LAB_USER,
        String(uid),
      ],
      { stdin: HOST_MOUNT_SCRIPT, timeoutMs: 30_000 },
    );
    if (r.code === 0 && r.stdout.includes('ok')) return;
    const bindRace =
      /^unshare: mount .* failed: Invalid argument$/m.test(r.stderr) && r.stdout === '';
    if (!bindRace || attempt >= attempts) {
      throw new Error(`building the mount namespace of ${host.name} failed: ${r.stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 100 * attempt));
  }
}

/** Start a detached agent process and wait (bounded) for the file it writes when ready. */
async function startAgent(
  dir: string,
  argv: string[],
  readyFile: string,
  timeoutMs = 20_000,
): Promise<number> {
  const logFd = openSync(join(dir, 'agent.log'), 'a');
  const child = spawn(argv[0]!, argv.slice(1), {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  const pid = child.pid;
  child.unref();
  if (pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(readyFile)) return pid;
    if (!alive(pid)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const tail = readFileSync(join(dir, 'agent.log'), 'utf8').split('\n').slice(-5).join('\n');
  throw new Error(`lab agent ${argv.slice(2, 3).join('')} did not become ready:\n${tail}`);
}

export async function labUp(opts: LabUpOptions): Promise<Lab> {
  requireRoot();
  const missing = labNeeds();
  if (missing.length > 0) throw new Error(formatLabNeeds(missing));
  const name = validateLabName(opts.name ?? randomLabName());
  const dir = labDirOf(name, opts.root);
  if (existsSync(dir) || (await leftoverNetns(name)).length > 0) {
    throw new Error(
      `lab "${name}" already exists (or left debris): sysfleet lab down --name ${name}`,
    );
  }
  return buildInNewLabDir(
    dir,
    ownerOf(opts.owner),
    () => build(name, dir, opts),
    () => labDown(name, { root: opts.root }),
  );
}

async function build(name: string, dir: string, opts: LabUpOptions): Promise<Lab> {
  const machine = readMachine();
  const names = hostNames(opts.hosts);
  const modes = sudoModes(names.length, opts.sudoPasswordHosts ?? Math.floor(names.length / 2));
  const rootFlags = rootPasswordFlags(names.length, opts.rootPasswordHosts ?? 0);
  const hosts = names.map((h, i) => ({
    ...hostLayout(dir, name, h, {
      sudo: modes[i]!,
      behindBastion: opts.bastion === true,
      libIsSymlink: machine.libIsSymlink,
    }),
    ...(opts.bastion ? { route: bastionRoute(i, names.length) } : {}),
    ...(rootFlags[i] ? { rootPassword: true } : {}),
  }));
  const bastion = opts.bastion
    ? hostLayout(dir, name, 'bastion', {
        sudo: 'nopasswd',
        behindBastion: false,
        libIsSymlink: machine.libIsSymlink,
      })
    : undefined;
  const all = bastion ? [...hosts, bastion] : hosts;

  // The namespace file mounts must sit on a private mount, or mount propagation could loop
  // them into the namespaces they name (util-linux unshare(1)).
  const nsDir = join(dir, 'ns');
  mkdirs(nsDir);
  await runOk('mount', ['-n', '--bind', nsDir, nsDir]);
  await runOk('mount', ['-n', '--make-private', nsDir]);

  const password = randomBytes(18).toString('base64url');
  const passwordPath = join(dir, 'sudo-password');
  writeFileSync(passwordPath, password + '\n', { mode: 0o600 });
  const passwordHash = await sha512Crypt(password);
  // root's own password (su asks for the target's), different from the lab user's
  const rootPassword = randomBytes(18).toString('base64url');
  const rootPasswordPath = join(dir, 'root-password');
  writeFileSync(rootPasswordPath, rootPassword + '\n', { mode: 0o600 });
  const rootHash = await sha512Crypt(rootPassword);

  const keyPath = join(dir, 'id_ed25519');
  const clientPub = await keygen(keyPath, `sysfleet-lab-${name}`);
  // the CA's path is known before it exists: sshd_config only names files in /etc/ssh
  const variant: LabVariant = {
    ...(opts.pqOnly ? { kex: await installedPqKex() } : {}),
    ...(opts.sshCa ? { sshCa: { caPubPath: join(dir, 'lab_ca.pub') } } : {}),
  };
  for (const h of all) prepareHostFiles(h, machine, passwordHash, clientPub, variant, rootHash);
  const hostPubs = await mapLimit(all, parallelism, (h) =>
    keygen(join(h.backing.etcSsh, 'ssh_host_ed25519_key'), `${name}-${h.name}`),
  );
  if (opts.sshCa) await signLab(dir, all, keyPath, name);

  await runOk('ip', ['-batch', '-'], {
    stdin: all.map((h) => `netns add ${h.netns}\n`).join(''),
  });
  await mapLimit(all, 4, (h) => buildMountNamespace(h, machine.uid));

  writeFileSync(
    join(dir, 'lab.json'),
    JSON.stringify({
      hosts: all.map((h) => ({
        name: h.name,
        netnsPath: h.netnsPath,
        mntnsPath: h.mntnsPath,
        sockPath: h.sockPath,
        behindBastion: h.behindBastion,
      })),
      portCandidates: portCandidates(name),
    }),
  );
  const agent = await installAgent(dir);
  const processes: LabState['processes'] = [];
  const supervisorPid = await startAgent(
    dir,
    [process.execPath, agent, 'supervisor', dir],
    join(dir, 'ports.json'),
  );
  processes.push({ pid: supervisorPid, role: 'supervisor' });
  const { ports } = JSON.parse(readFileSync(join(dir, 'ports.json'), 'utf8')) as {
    ports: Record<string, number>;
  };
  const withPort = (h: Omit<LabHost, 'port'>): LabHost => ({ ...h, port: ports[h.name] ?? 0 });
  const state: LabState = {
    version: 1,
    name,
    dir,
    createdAt: new Date().toISOString(),
    owner: ownerOf(opts.owner),
    hosts: hosts.map(withPort),
    ...(bastion ? { bastion: withPort(bastion) } : {}),
    processes,
    user: { root: 'root', nonRoot: LAB_USER },
    keyPath,
    knownHostsPath: join(dir, 'known_hosts'),
    sshConfigPath: join(dir, 'ssh_config'),
    inventoryPath: join(dir, 'inventory.yaml'),
    becomeInventoryPath: join(dir, 'inventory-become.yaml'),
    sudoPasswordPath: passwordPath,
    sudoPasswordEnv: SUDO_PASSWORD_ENV,
    rootPasswordPath,
    ...(variant.kex || variant.sshCa ? { variant } : {}),
  };
  writeState(state);
  if (bastion) {
    const pid = await startAgent(
      dir,
      [
        'nsenter',
        `--net=${bastion.netnsPath}`,
        '--',
        process.execPath,
        agentPath(dir),
        'forward',
        dir,
      ],
      join(dir, 'forwarder.json'),
    );
    processes.push({ pid, role: 'forwarder' });
    writeState(state);
  }
  writeFileSync(
    state.knownHostsPath,
    variant.sshCa
      ? renderCaKnownHosts(readFileSync(variant.sshCa.caPubPath, 'utf8'))
      : renderKnownHosts(
          all.map((h, i) => ({ port: ports[h.name] ?? 0, publicKey: hostPubs[i]! })),
        ),
  );
  writeFileSync(state.sshConfigPath, renderSshConfig(state));
  writeFileSync(state.inventoryPath, renderInventory(state, 'root'));
  writeFileSync(state.becomeInventoryPath, renderInventory(state, 'nonroot'));
  return new Lab(state);
}
