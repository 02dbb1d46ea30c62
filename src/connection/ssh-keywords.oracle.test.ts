/**
 * OpenSSH decides which keywords exist: every keyword the resolver knows, every alias, the
 * later releases' keywords and a few misspellings are written into a config and given to
 * `ssh -G` (in the sandbox of the resolution oracle: no packet leaves). ssh's "Bad configuration
 * option" and the resolver's must agree; an alias must set what ssh -G shows for its keyword.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inSandbox, oracleAvailable, parseSshG, shq } from '../../test/unit/support/ssh-oracle.js';
import { loadSshConfig } from './load-ssh-config.js';
import { KNOWN_KEYWORDS, NEWER_KEYWORDS } from './ssh-keywords.js';
import { resolveSsh, SshResolveError } from './ssh-resolve.js';

const MISSPELT = ['hostnmae', 'identitiyfile', 'proxyjumps', 'bogusoption', 'portt', 'x11forward'];

/** The installed ssh's version as [major, minor] (`OpenSSH_9.2p1 ...` on stderr). */
function sshVersion(): [number, number] {
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}
const atLeast = (v: [number, number], since: string) => {
  const [a, b] = since.split('.').map(Number) as [number, number];
  return v[0] > a || (v[0] === a && v[1] >= b);
};

describe.skipIf(!oracleAvailable)('ssh_config keywords agree with ssh -G', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sysfleet-ssh-keywords-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'hosts'), '127.0.0.1 localhost\n');

  /** A config setting KEYWORD (in mixed case, as people write it) for host x only. */
  const configFor = (name: string, text: string) => {
    const file = join(root, name);
    writeFileSync(file, text);
    return file;
  };
  const cases = [...KNOWN_KEYWORDS, ...Object.keys(NEWER_KEYWORDS), ...MISSPELT].map((k, i) => ({
    keyword: k,
    // in an inactive block: ssh refuses an unknown keyword there too
    file: configFor(`kw${i}`, `Host other\n  ${k[0]!.toUpperCase()}${k.slice(1)} 1\n`),
  }));
  const script = cases
    .map((c, n) => `echo '@@@ ${n}'; ssh -G -F ${shq(c.file)} x </dev/null 2>&1 >/dev/null`)
    .join('\n')
    .concat('\ntrue');
  const outputs = inSandbox(join(root, 'hosts'), script)
    .split(/^@@@ \d+\n/m)
    .slice(1);
  const version = sshVersion();

  for (const [n, c] of cases.entries()) {
    it(c.keyword, async () => {
      const sshRefuses = /Bad configuration option/.test(outputs[n] ?? '');
      const since = NEWER_KEYWORDS[c.keyword];
      if (since !== undefined) {
        // accepted on purpose (sent to the OpenSSH transport); ssh refuses it before `since`
        expect(sshRefuses, `${c.keyword} is new in ${since}`).toBe(!atLeast(version, since));
      }
      const cfg = await loadSshConfig(c.file, { system: false });
      let weRefuse = false;
      try {
        resolveSsh(cfg, { hostArg: 'x' });
      } catch (e) {
        if (!(e instanceof SshResolveError)) throw e;
        // other refusals (a Match with a bad criterion) are not the question here
        const bad = e.errors.find((x) => x.message.startsWith('Bad configuration option'));
        if (bad) {
          expect(bad).toMatchObject({
            file: c.file,
            line: 2,
            col: 3,
            message: `Bad configuration option: ${c.keyword}`,
          });
          weRefuse = true;
        }
      }
      if (since === undefined) expect(weRefuse).toBe(sshRefuses);
      else expect(weRefuse).toBe(false);
    });
  }

  // An alias sets the keyword ssh -G prints (values ssh prints as written).
  const ALIAS_VALUES: [string, string, string][] = [
    ['KeepAlive', 'no', 'tcpkeepalive'],
    ['PubkeyAcceptedKeyTypes', 'ssh-ed25519', 'pubkeyacceptedalgorithms'],
    ['HostbasedKeyTypes', 'ssh-ed25519', 'hostbasedacceptedalgorithms'],
    ['ChallengeResponseAuthentication', 'no', 'kbdinteractiveauthentication'],
    ['SkeyAuthentication', 'no', 'kbdinteractiveauthentication'],
    ['TISAuthentication', 'no', 'kbdinteractiveauthentication'],
    ['IdentityFile2', '/tmp/sysfleet-alias-key', 'identityfile'],
    ['SmartcardDevice', '/tmp/sysfleet-pkcs11.so', 'pkcs11provider'],
    ['ProtocolKeepAlives', '7', 'serveraliveinterval'],
    ['SetupTimeOut', '9', 'serveraliveinterval'],
  ];
  const aliasFiles = ALIAS_VALUES.map(([k, v], i) =>
    configFor(`alias${i}`, `Host x\n  ${k} ${v}\n`),
  );
  const aliasOut = inSandbox(
    join(root, 'hosts'),
    aliasFiles
      .map((f, n) => `echo '@@@ ${n}'; ssh -G -F ${shq(f)} x </dev/null`)
      .concat('true')
      .join('\n'),
  )
    .split(/^@@@ \d+\n/m)
    .slice(1);
  for (const [n, [alias, value, keyword]] of ALIAS_VALUES.entries()) {
    it(`${alias} sets ${keyword}`, async () => {
      const oracle = parseSshG(aliasOut[n] ?? '')[keyword];
      expect(oracle).toContain(value);
      const r = resolveSsh(await loadSshConfig(aliasFiles[n], { system: false }), { hostArg: 'x' });
      const ours = keyword === 'identityfile' ? r.identityFiles : r.options.get(keyword)?.args;
      expect(ours).toEqual([value]);
    });
  }
});
