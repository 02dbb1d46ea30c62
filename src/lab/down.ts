/**
 * `lab down`: removes every namespace, process, mount and file a lab made. Works from state.json
 * when there is one and from names alone when there is not (a crash during `lab up`): processes
 * are found as the members of the lab's network namespaces, namespaces by their `sf-<lab>-`
 * prefix, mounts by their path under the lab dir. Safe to run twice.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { labScripts } from './agent-install.js';
import { labDir as labDirOf } from './layout.js';
import { LAB_ROOT, parseNetnsName, validateLabName } from './names.js';
import { mountTargetsUnder, parseNetnsList } from './proc-parse.js';
import { cmdline, killOurs, killPid, mapLimit, run } from './proc.js';
import { labDirs, readState, requireRoot } from './state.js';
import { qemuPidsOfLab, vmLabDown } from './vm/down.js';
import { guestProcessName } from './vm/qemu-args.js';
import { readVmState } from './vm/state.js';

export interface DownOptions {
  root?: string;
}

async function allNetns(): Promise<string[]> {
  return parseNetnsList((await run('ip', ['netns', 'list'])).stdout);
}

/** Network namespaces named for this lab (`sf-<name>-*`). */
export async function leftoverNetns(name: string): Promise<string[]> {
  return (await allNetns()).filter((ns) => parseNetnsName(ns)?.lab === name);
}

function mountsUnder(dir: string): string[] {
  return mountTargetsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), dir);
}

/** PIDs whose command line runs one of this lab's scripts. */
function agentPids(dir: string): number[] {
  const scripts = labScripts(dir);
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      const line = cmdline(pid) ?? '';
      return pid !== process.pid && scripts.some((s) => line.includes(s));
    });
}

export async function labDown(name: string, opts: DownOptions = {}): Promise<void> {
  requireRoot();
  const dir = labDirOf(validateLabName(name), opts.root);
  if (readVmState(dir)) return vmLabDown(name, opts);
  // A VM lab that crashed before writing state.json: its qemu are found by their -name.
  for (const pid of qemuPidsOfLab(name)) await killOurs(pid, [guestProcessName(name, '')]);
  const state = readState(dir);
  for (const p of state?.processes ?? []) await killOurs(p.pid, labScripts(dir));
  const namespaces = await leftoverNetns(name);
  // Whatever still runs inside the lab's network namespaces is the lab's (sshd sessions, socket
  // holders): the namespaces exist only because this lab made them.
  await mapLimit(namespaces, 8, async (ns) => {
    const r = await run('ip', ['netns', 'pids', ns]);
    const pids = r.stdout
      .split('\n')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 1);
    await Promise.all(pids.map((pid) => killPid(pid)));
  });
  // Processes of this lab outside its namespaces (supervisor, forwarder) even without state.json.
  await Promise.all(agentPids(dir).map((pid) => killOurs(pid, labScripts(dir))));
  // Deepest first, in one umount call; then lazily whatever was still busy.
  const targets = mountsUnder(dir);
  if (targets.length > 0) await run('umount', ['-n', ...targets]);
  const busy = mountsUnder(dir);
  if (busy.length > 0) await run('umount', ['-n', '-l', ...busy]);
  if (namespaces.length > 0) {
    await run('ip', ['-force', '-batch', '-'], {
      stdin: namespaces.map((ns) => `netns del ${ns}\n`).join(''),
    });
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Every lab on this machine: state dirs plus namespaces with the `sf-` prefix. */
export async function allLabNames(root = LAB_ROOT): Promise<string[]> {
  const names = new Set(labDirs(root).filter((n) => /^[a-z0-9]{1,16}$/.test(n)));
  for (const ns of await allNetns()) {
    const parsed = parseNetnsName(ns);
    if (parsed) names.add(parsed.lab);
  }
  return [...names].sort();
}

export async function labDownAll(opts: DownOptions = {}): Promise<string[]> {
  const names = await allLabNames(opts.root);
  for (const name of names) await labDown(name, opts);
  return names;
}
