/**
 * Everything a read-only check must leave as it was on a lab host, read WITHOUT sysfleet: the
 * sha256 of every file (and the target of every symlink) under the host's sysctl backing dirs and
 * /var/lib/sysfleet, and the runtime values of the given keys read through /proc/sys inside the
 * host's namespaces (lab.exec, no SSH).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './lab.js';

export interface HostState {
  /** backing path -> 'sha256:<hex>' | 'link:<target>' | 'dir' */
  files: Record<string, string>;
  /** key -> runtime value (whitespace normalised to one space) */
  runtime: Record<string, string>;
}

function walk(path: string, out: Record<string, string>): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    out[path] = 'missing';
    return;
  }
  if (st.isSymbolicLink()) out[path] = `link:${readlinkSync(path)}`;
  else if (st.isDirectory()) {
    out[path] = `dir:${(st.mode & 0o7777).toString(8)}`;
    for (const e of readdirSync(path).sort()) walk(join(path, e), out);
  } else {
    const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
    out[path] = `sha256:${hash}:${(st.mode & 0o7777).toString(8)}`;
  }
}

export async function hostState(lab: Lab, host: string, keys: string[]): Promise<HostState> {
  const b = lab.host(host).backing;
  const files: Record<string, string> = {};
  for (const p of [
    b.etcSysctlD,
    b.runSysctlD,
    b.usrLibSysctlD,
    b.usrLocalLibSysctlD,
    b.libSysctlD,
    b.sysctlConf,
    b.varLibSysfleet,
  ]) {
    if (p) walk(p, files);
  }
  const paths = keys.map((k) => `/proc/sys/${k.replace(/\./g, '/')}`);
  // One `head` per host: prints "==> path <==" then the value, for every key.
  const r = await lab.exec(host, ['head', '-v', '-n', '1', ...paths], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`${host}: reading ${paths.join(' ')} failed: ${r.stderr}`);
  const runtime: Record<string, string> = {};
  const blocks = r.stdout.split(/^==> /m).filter(Boolean);
  for (const block of blocks) {
    const [header, value = ''] = block.split('\n');
    const path = header?.replace(/ <==$/, '') ?? '';
    const key = keys[paths.indexOf(path)];
    if (key === undefined) throw new Error(`${host}: unexpected head output ${block}`);
    runtime[key] = value.trim().split(/\s+/).join(' ');
  }
  return { files, runtime };
}

export async function fleetState(
  lab: Lab,
  hosts: readonly string[],
  keys: string[],
): Promise<Record<string, HostState>> {
  const out: Record<string, HostState> = {};
  // A few at a time: each is an nsenter process.
  for (let i = 0; i < hosts.length; i += 10) {
    const batch = hosts.slice(i, i + 10);
    const states = await Promise.all(batch.map((h) => hostState(lab, h, keys)));
    batch.forEach((h, j) => (out[h] = states[j]!));
  }
  return out;
}
