/**
 * OpenSSH is the oracle: every corpus case (ssh-corpus.fixture.ts) is resolved by `ssh -G` and by
 * resolveSsh, and the connection-relevant options must agree (or both must refuse). All ssh -G
 * runs happen in one private network + mount namespace (`unshare --net --mount`) with a
 * bind-mounted /etc/hosts: no packet can leave, and CanonicalizeHostname sees the same names as
 * the resolver. The namespace ends with the shell that made it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getentLookup, loadSshConfig } from './load-ssh-config.js';
import { CORPUS, SYSTEM_CONFIG_HOSTS } from './ssh-corpus.fixture.js';
import {
  getentInSandbox,
  inSandbox,
  oracleAvailable,
  shq,
} from '../../test/unit/support/ssh-oracle.js';
import { parseSshArgs } from './ssh-args.js';
import { resolveSsh, type ResolvedSsh } from './ssh-resolve.js';
import type { SshConfig } from './ssh-config.js';

const BASE_HOSTS = '127.0.0.1 localhost\n::1 localhost\n';

interface Run {
  caseIdx: number;
  host: string;
  args: string[];
  configFile?: string;
}

/** The options both sides are compared on, in ssh -G's spelling. */
type View = Record<string, string | string[]> | { error: true };

function fromSshG(out: string, rc: number): View {
  if (rc !== 0) return { error: true };
  const v: Record<string, string | string[]> = { identityfile: [], certificatefile: [] };
  for (const line of out.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line);
    if (!m) continue;
    const [, k, val] = m as unknown as [string, string, string];
    if (k === 'identityfile' || k === 'certificatefile') (v[k] as string[]).push(val);
    else if (KEYS.includes(k) && !(val === 'none' && k.startsWith('proxy'))) v[k] = val;
  }
  return v;
}
const KEYS = [
  'host',
  'user',
  'hostname',
  'port',
  'userknownhostsfile',
  'globalknownhostsfile',
  'proxycommand',
  'proxyjump',
  'stricthostkeychecking',
  'hostkeyalias',
];

function fromResolver(f: () => ResolvedSsh): View {
  let r: ResolvedSsh;
  try {
    r = f();
  } catch {
    return { error: true };
  }
  // ssh -G stops where ssh would: a name canonicalisation cannot resolve
  if (r.nameError) return { error: true };
  // every lookup of the corpus can be made in the sandbox: nothing may be left undecided
  if (r.lookupUnsure.length) return { unsure: r.lookupUnsure } as unknown as View;
  const strict = { yes: 'true', no: 'false', ask: 'ask', 'accept-new': 'accept-new' };
  const alias = r.options.get('hostkeyalias')?.args[0];
  return {
    identityfile: r.identityFiles,
    certificatefile: r.certificateFiles,
    host: r.hostArg,
    user: r.user,
    hostname: r.hostname,
    port: String(r.port),
    userknownhostsfile: r.userKnownHostsFiles.join(' '),
    globalknownhostsfile: r.globalKnownHostsFiles.join(' '),
    ...(r.proxyCommand ? { proxycommand: r.proxyCommand } : {}),
    ...(r.proxyJump ? { proxyjump: r.proxyJump } : {}),
    stricthostkeychecking: strict[r.strictHostKeyChecking],
    ...(alias ? { hostkeyalias: alias } : {}),
  };
}

describe.skipIf(!oracleAvailable)('ssh_config resolution agrees with ssh -G', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sysfleet-ssh-oracle-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const runs: Run[] = [];
  let etcHosts = BASE_HOSTS;
  CORPUS.forEach((c, i) => {
    const dir = join(root, `case${i}`);
    mkdirSync(dir, { recursive: true });
    const sub = (s: string) => s.replaceAll('@DIR@', dir);
    writeFileSync(join(dir, 'config'), sub(c.config));
    for (const [rel, text] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), sub(text));
    }
    etcHosts += c.etcHosts ?? '';
    for (const h of c.hosts) {
      const [host, ...args] = h.split(' ');
      runs.push({ caseIdx: i, host: host!, args, configFile: join(dir, 'config') });
    }
  });
  for (const h of SYSTEM_CONFIG_HOSTS) {
    const [host, ...args] = h.split(' ');
    runs.push({ caseIdx: -1, host: host!, args });
  }
  writeFileSync(join(root, 'hosts'), etcHosts);

  // One namespace, one shell: every ssh -G of the corpus, separated by markers.
  const hostsFile = join(root, 'hosts');
  const script = runs
    .map((r, n) => {
      const argv = ['ssh', '-G', ...(r.configFile ? ['-F', r.configFile] : []), ...r.args, r.host];
      return `echo '@@@ ${n}'; ${argv.map(shq).join(' ')} </dev/null 2>/dev/null; echo "@@@rc $?"`;
    })
    .join('\n');
  const outputs = inSandbox(hostsFile, script)
    .split(/^@@@ \d+\n/m)
    .slice(1);

  // getaddrinfo in the same sandbox as ssh, parsed by sysfleet's own getent reader (NSS files:
  // `name.` matches only a hosts line that spells it with the dot; the line's first name is the
  // canonical name an alias gets, as with a DNS CNAME).
  const lookupName = getentLookup((db, name) => getentInSandbox(hostsFile, db, name));
  const opts = { system: false as const };
  // A file ssh refuses (bad line) fails every host of it, here as a load error.
  const configs = new Map<string, SshConfig | Error>();
  const cfgFor = async (file?: string) => {
    const key = file ?? '';
    if (!configs.has(key)) {
      const c = await loadSshConfig(file, file ? opts : {}).catch((e: Error) => e);
      configs.set(key, c instanceof Error ? c : { ...c, lookupName });
    }
    return configs.get(key)!;
  };

  for (const [n, r] of runs.entries()) {
    const label = `${r.caseIdx < 0 ? 'system config' : CORPUS[r.caseIdx]!.name}: ${[...r.args, r.host].join(' ')}`;
    const cfg = await cfgFor(r.configFile);
    it(label, () => {
      const m = /^([\s\S]*)@@@rc (\d+)\n?$/.exec(outputs[n] ?? '');
      expect(m, `ssh -G output for run ${n}`).not.toBeNull();
      const oracle = fromSshG(m![1]!, Number(m![2]));
      const args = parseSshArgs(r.args, 'command line');
      const ours = fromResolver(() => {
        if (cfg instanceof Error) throw cfg;
        if (args.errors.length) throw new Error(args.errors[0]!.message);
        return resolveSsh(cfg, { hostArg: r.host, cmdline: args.lines });
      });
      expect(ours).toEqual(oracle);
    });
  }
});
