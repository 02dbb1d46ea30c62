/**
 * known_hosts verdicts: sysfleet (ssh2 transport, strict) against what a real
 * `ssh -o StrictHostKeyChecking=yes` decides, both connecting to the same real lab sshd with the
 * same known_hosts file. OpenSSH is the oracle. h01 has an ed25519 host key only; h02 also an
 * ECDSA one (for key-type cases). Verdicts: ok, unknown, changed, revoked.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, labUp, type Lab } from './support/lab.js';
import { run } from '../../src/lab/proc.js';
import { classifySshFailure, sshSaid } from '../../src/transport/openssh/classify.js';
import { createTransport, noSecrets, TransportError } from '../../src/transport/index.js';

type Verdict = 'ok' | 'unknown' | 'changed' | 'revoked';

let lab: Lab;
let work: string;
/** Public key lines ("type base64") of the lab hosts and of keys no host has. */
const keys: Record<string, string> = {};

function pub(path: string): string {
  return readFileSync(path, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

function foreign(type: 'ed25519' | 'ecdsa'): string {
  const f = join(work, `foreign_${type}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f]);
  return pub(`${f}.pub`);
}

beforeAll(async () => {
  if (!labAvailable) return;
  work = mkdtempSync(join(tmpdir(), 'sf-khoracle-'));
  lab = await labUp({ hosts: 2, sudoPasswordHosts: 0 });
  // h02 gets a second host key (sshd -i reads its config per connection)
  await lab.exec('h02', [
    'sh',
    '-c',
    'ssh-keygen -q -t ecdsa -N "" -f /etc/ssh/ssh_host_ecdsa_key && echo "HostKey /etc/ssh/ssh_host_ecdsa_key" >> /etc/ssh/sshd_config',
  ]);
  keys['h01'] = pub(join(lab.host('h01').backing.etcSsh, 'ssh_host_ed25519_key.pub'));
  keys['h02'] = pub(join(lab.host('h02').backing.etcSsh, 'ssh_host_ed25519_key.pub'));
  keys['h02ecdsa'] = pub(join(lab.host('h02').backing.etcSsh, 'ssh_host_ecdsa_key.pub'));
  keys['other'] = foreign('ed25519');
  keys['otherEcdsa'] = foreign('ecdsa');
});

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `|1|salt|hmac`: a HashKnownHosts name, as ssh-keygen -H writes it. */
function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/** known_hosts text for a host: `N` = its `[127.0.0.1]:port` name, `K(x)` = keys[x]. */
type Case = [
  name: string,
  host: 'h01' | 'h02',
  text: (n: string, k: (x: string) => string) => string,
];

const CASES: Case[] = [
  ['exact entry', 'h01', (n, k) => `${n} ${k('h01')}`],
  ['no entry', 'h01', () => ''],
  ['another key of the same type', 'h01', (n, k) => `${n} ${k('other')}`],
  ['entry for another port only', 'h01', (_, k) => `[127.0.0.1]:1 ${k('h01')}`],
  ['address without the port (port is not 22)', 'h01', (_, k) => `127.0.0.1 ${k('h01')}`],
  ['wildcard port', 'h01', (_, k) => `[127.0.0.1]:* ${k('h01')}`],
  ['bare *', 'h01', (_, k) => `* ${k('h01')}`],
  ['question-mark pattern', 'h01', (n, k) => `${n.replace(/\d\]/, '?]')} ${k('h01')}`],
  ['hashed entry', 'h01', (n, k) => `${hashed(n)} ${k('h01')}`],
  ['hashed entry, another key', 'h01', (n, k) => `${hashed(n)} ${k('other')}`],
  ['comma list', 'h01', (n, k) => `web1,${n} ${k('h01')}`],
  ['negated pattern vetoes the line', 'h01', (n, k) => `!${n},[127.0.0.1]:* ${k('h01')}`],
  ['wrong key line, then the right one', 'h01', (n, k) => `${n} ${k('other')}\n${n} ${k('h01')}`],
  [
    '@revoked the host key (and listed as good)',
    'h01',
    (n, k) => `@revoked * ${k('h01')}\n${n} ${k('h01')}`,
  ],
  ['@revoked another key', 'h01', (n, k) => `@revoked * ${k('other')}\n${n} ${k('h01')}`],
  [
    '@cert-authority only (host has no certificate)',
    'h01',
    (_, k) => `@cert-authority * ${k('other')}`,
  ],
  ['a comment and a blank line', 'h01', (n, k) => `# fleet\n\n${n} ${k('h01')}`],
  ['host with two keys: only its ECDSA key known', 'h02', (n, k) => `${n} ${k('h02ecdsa')}`],
  ['host with two keys: a wrong ECDSA key only', 'h02', (n, k) => `${n} ${k('otherEcdsa')}`],
  [
    'host with two keys: wrong ed25519, right ECDSA',
    'h02',
    (n, k) => `${n} ${k('other')}\n${n} ${k('h02ecdsa')}`,
  ],
  [
    'host with two keys: right ed25519, wrong ECDSA',
    'h02',
    (n, k) => `${n} ${k('h02')}\n${n} ${k('otherEcdsa')}`,
  ],
  ['only a foreign ECDSA key for an ed25519-only host', 'h01', (n, k) => `${n} ${k('otherEcdsa')}`],
];

/** Cases where sysfleet and OpenSSH disagree today, with the issue that owns the fix. */
// Where sysfleet and OpenSSH differed (the key-type downgrade, bare-address entries for other
// ports) issue 13 fixed it: every case must now agree. List a case here (marked it.fails) only
// with the issue that will fix it.
const KNOWN_DIFFERENCES: Record<string, string> = {};

let n = 0;
function khFile(text: string): string {
  const f = join(work, `kh${n++}`);
  writeFileSync(f, text ? `${text}\n` : '');
  return f;
}

async function opensshVerdict(
  host: string,
  file: string,
): Promise<{ verdict: Verdict; said: string }> {
  const r = await run(
    'ssh',
    [
      '-F',
      '/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${file}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'ConnectTimeout=5',
      '-i',
      lab.keyPath,
      '-p',
      String(lab.host(host).port),
      'root@127.0.0.1',
      'true',
    ],
    { timeoutMs: 20_000 },
  );
  const said = sshSaid(r.stderr);
  if (r.code === 0) return { verdict: 'ok', said };
  const kind = classifySshFailure(host, '', r.code, r.stderr).kind;
  if (kind === 'host_key_unknown') return { verdict: 'unknown', said };
  if (kind === 'host_key_changed') return { verdict: 'changed', said };
  if (kind === 'host_key_revoked') return { verdict: 'revoked', said };
  throw new Error(`ssh failed otherwise (${kind}): ${r.stderr}`);
}

async function sysfleetVerdict(host: string, file: string): Promise<Verdict> {
  const t = createTransport({
    knownHostsFiles: [file],
    agentSocket: '',
    secrets: noSecrets,
    retries: 0,
    connectTimeoutMs: 5000,
  });
  try {
    const conn = await t.connect({
      name: host,
      connection: 'ssh',
      address: '127.0.0.1',
      port: lab.host(host).port,
      user: 'root',
      identityFiles: [lab.keyPath],
      jump: [],
      become: false,
      becomeUser: 'root',
    });
    await conn.close();
    return 'ok';
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    if (e.kind === 'host_key_unknown') return 'unknown';
    if (e.kind === 'host_key_changed') return 'changed';
    if (e.kind === 'host_key_revoked') return 'revoked';
    throw e;
  } finally {
    await t.close();
  }
}

describe.skipIf(!labAvailable)(
  'known_hosts verdicts: sysfleet (ssh2) vs a real ssh -o StrictHostKeyChecking=yes',
  () => {
    for (const [name, host, text] of CASES) {
      const known = KNOWN_DIFFERENCES[name];
      const test = known ? it.fails : it;
      test(`${name}${known ? ` (differs today: ${known})` : ''}`, async () => {
        const file = khFile(text(`[127.0.0.1]:${lab.host(host).port}`, (x) => keys[x]!));
        const oracle = await opensshVerdict(host, file);
        expect(
          await sysfleetVerdict(host, file),
          `OpenSSH: ${oracle.verdict} (${oracle.said})`,
        ).toBe(oracle.verdict);
      });
    }
  },
);
