/**
 * known_hosts decisions against the oracle: for each known_hosts file below, a real
 * `ssh -o StrictHostKeyChecking=yes` (and accept-new) to a real lab sshd decides known, unknown,
 * CHANGED or revoked, and sysfleet's transport (strict and accept-new) must decide the same.
 * Cases: a key of another type or curve than the recorded one (no downgrade), a bare `host` entry
 * serving a non-22 port, `@revoked` beating a plain line. The host's key is swapped for an ECDSA
 * P-256 key for the curve cases (sshd reads its key at each connection) and put back afterwards.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConnection } from '../../src/connection/types.js';
import { createTransport, TransportError } from '../../src/transport/index.js';
import type { HostKeyPolicy } from '../../src/transport/types.js';
import { labName } from './support/fleet-state.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';

type Verdict = 'known' | 'unknown' | 'changed' | 'revoked';

let lab: Lab;
let work: string;
let real: string; // the host's own key: "type base64"
const fixtureKey = (name: string) =>
  readFileSync(`test/fixtures/known_hosts/keys/${name}.pub`, 'utf8')
    .split(' ')
    .slice(0, 2)
    .join(' ');
const OTHER_ED = fixtureKey('ed25519_b');
const OTHER_ECDSA = fixtureKey('ecdsa_a');
const OTHER_RSA = fixtureKey('rsa_a');

beforeAll(async () => {
  if (!labAvailable) return;
  work = mkdtempSync(join(tmpdir(), 'sf-khoracle-'));
  lab = await labUp({ name: labName('khoracle'), hosts: 1 });
  const pub = readFileSync(
    join(lab.host('h01').backing.etcSsh, 'ssh_host_ed25519_key.pub'),
    'utf8',
  );
  real = pub.split(' ').slice(0, 2).join(' ');
}, 60_000);

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

const port = () => lab.host('h01').port;
const at = () => `[127.0.0.1]:${port()}`;

let n = 0;
function knownHosts(lines: string[]): string {
  const f = join(work, `kh${++n}`);
  writeFileSync(f, lines.map((l) => `${l}\n`).join(''));
  return f;
}

/** What OpenSSH decides for FILE (a copy: accept-new may append to it). */
function sshDecides(file: string, mode: 'yes' | 'accept-new'): Verdict {
  const copy = `${file}.ssh-${mode}`;
  copyFileSync(file, copy);
  const r = spawnSync(
    'ssh',
    [
      '-o',
      'BatchMode=yes',
      '-o',
      `StrictHostKeyChecking=${mode}`,
      '-o',
      `UserKnownHostsFile=${copy}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'ConnectTimeout=10',
      '-i',
      lab.keyPath,
      '-p',
      String(port()),
      'root@127.0.0.1',
      'true',
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  const err = r.stderr;
  if (/REVOKED HOST KEY/.test(err)) return 'revoked';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(err)) return 'changed';
  if (/host key is known for .* and you have requested strict checking/.test(err)) return 'unknown';
  if (r.status === 0)
    return mode === 'accept-new' && /Permanently added/.test(err) ? 'unknown' : 'known';
  throw new Error(`ssh said something unexpected (${r.status}): ${err}`);
}

/** What sysfleet's transport decides for FILE under POLICY. */
async function sysfleetDecides(file: string, policy: HostKeyPolicy): Promise<Verdict> {
  const copy = `${file}.sf-${policy}`;
  copyFileSync(file, copy);
  const target: HostConnection = {
    name: 'h01',
    connection: 'ssh',
    address: '127.0.0.1',
    port: port(),
    user: 'root',
    identityFiles: [lab.keyPath],
    jump: [],
    become: false,
    becomeUser: 'root',
    knownHostsFiles: [copy],
  };
  const t = createTransport({
    hostKeyPolicy: policy,
    knownHostsFiles: [copy],
    agentSocket: '',
    retries: 0,
  });
  try {
    const conn = await t.connect(target);
    await conn.close();
    return readFileSync(copy, 'utf8') === readFileSync(file, 'utf8') ? 'known' : 'unknown';
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    if (e.kind === 'host_key_revoked') return 'revoked';
    if (e.kind === 'host_key_changed') return 'changed';
    if (e.kind === 'host_key_unknown') return 'unknown';
    throw e;
  } finally {
    await t.close();
  }
}

const cases: [string, () => string[], Verdict][] = [
  ['the recorded key', () => [`${at()} ${real}`], 'known'],
  ['only an ECDSA key recorded (type downgrade)', () => [`${at()} ${OTHER_ECDSA}`], 'changed'],
  ['only an RSA key recorded', () => [`${at()} ${OTHER_RSA}`], 'changed'],
  ['another ed25519 key recorded', () => [`${at()} ${OTHER_ED}`], 'changed'],
  ['a bare host entry with the key, no [host]:port entry', () => [`127.0.0.1 ${real}`], 'known'],
  ['a bare host entry with another key', () => [`127.0.0.1 ${OTHER_ED}`], 'unknown'],
  ['a bare host entry of another type', () => [`127.0.0.1 ${OTHER_ECDSA}`], 'unknown'],
  [
    'bare entry right, [host]:port entry wrong',
    () => [`127.0.0.1 ${real}`, `${at()} ${OTHER_ED}`],
    'changed',
  ],
  ['@revoked * beside a plain line', () => [`${at()} ${real}`, `@revoked * ${real}`], 'revoked'],
  [
    '@revoked [host]:port beside a bare plain line',
    () => [`127.0.0.1 ${real}`, `@revoked ${at()} ${real}`],
    'revoked',
  ],
  [
    '@revoked bare beside a bare plain line',
    () => [`@revoked 127.0.0.1 ${real}`, `127.0.0.1 ${real}`],
    'revoked',
  ],
  [
    '@revoked bare, [host]:port plain',
    () => [`@revoked 127.0.0.1 ${real}`, `${at()} ${real}`],
    'known',
  ],
];

describe.skipIf(!labAvailable)('known_hosts decisions match OpenSSH', () => {
  it.each(cases)('%s', async (_what, lines, expected) => {
    const file = knownHosts(lines());
    const oracle = sshDecides(file, 'yes');
    expect(oracle, 'the oracle itself').toBe(expected);
    expect(await sysfleetDecides(file, 'strict')).toBe(oracle);
    // accept-new: only an unknown key is accepted (and recorded); changed and revoked stay refused
    const oracleNew = sshDecides(file, 'accept-new');
    expect(await sysfleetDecides(file, 'accept-new')).toBe(oracleNew);
  });

  it('names both fingerprints and the file:line of a changed key', async () => {
    const file = knownHosts([`# comment`, `${at()} ${OTHER_ECDSA}`]);
    const t = createTransport({ knownHostsFiles: [file], agentSocket: '', retries: 0 });
    const err = await t
      .connect({
        name: 'h01',
        connection: 'ssh',
        address: '127.0.0.1',
        port: port(),
        user: 'root',
        identityFiles: [lab.keyPath],
        jump: [],
        become: false,
        becomeUser: 'root',
        knownHostsFiles: [file],
      })
      .catch((e: unknown) => e);
    await t.close();
    expect((err as TransportError).kind).toBe('host_key_changed');
    const fpReal = spawnSync('ssh-keygen', ['-lf', '-'], {
      input: `x ${real}\n`,
      encoding: 'utf8',
    }).stdout.split(' ')[1];
    const fpRecorded = spawnSync('ssh-keygen', ['-lf', '-'], {
      input: `x ${OTHER_ECDSA}\n`,
      encoding: 'utf8',
    }).stdout.split(' ')[1];
    expect((err as TransportError).message).toContain(`ssh-ed25519 ${fpReal}`);
    expect((err as TransportError).message).toContain(
      `${file}:2 records ecdsa-sha2-nistp256 ${fpRecorded}`,
    );
  });

  describe('another curve (the host presents ECDSA P-256)', () => {
    const keyFile = () => join(lab.host('h01').backing.etcSsh, 'ssh_host_ed25519_key');
    let saved: Buffer;
    let p256: string;
    beforeAll(() => {
      if (!labAvailable) return;
      saved = readFileSync(keyFile());
      const tmp = join(work, 'p256');
      for (const [t, b, f] of [
        ['ecdsa', '256', tmp],
        ['ecdsa', '384', `${tmp}-384`],
      ] as const) {
        const r = spawnSync('ssh-keygen', ['-q', '-t', t, '-b', b, '-N', '', '-f', f]);
        if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr.toString()}`);
      }
      p256 = readFileSync(`${tmp}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      copyFileSync(tmp, keyFile());
    });
    afterAll(() => {
      if (saved) writeFileSync(keyFile(), saved, { mode: 0o600 });
    });

    it('a P-384 key recorded: CHANGED, as ssh says', async () => {
      const p384 = readFileSync(join(work, 'p256-384.pub'), 'utf8')
        .split(' ')
        .slice(0, 2)
        .join(' ');
      const file = knownHosts([`${at()} ${p384}`]);
      expect(sshDecides(file, 'yes')).toBe('changed');
      expect(await sysfleetDecides(file, 'strict')).toBe('changed');
      expect(sshDecides(file, 'accept-new')).toBe('changed');
      expect(await sysfleetDecides(file, 'accept-new')).toBe('changed');
      // and the P-256 key itself is known to both
      const ok = knownHosts([`${at()} ${p256}`]);
      expect(sshDecides(ok, 'yes')).toBe('known');
      expect(await sysfleetDecides(ok, 'strict')).toBe('known');
    });
  });
});
