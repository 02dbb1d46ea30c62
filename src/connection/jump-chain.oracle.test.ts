/**
 * ProxyJump chains with OpenSSH as the oracle. `ssh -v` prints each ProxyCommand it builds from
 * a ProxyJump ("Executing proxy command: exec ssh -l U -p P -J REST -F CFG -v -W '[h]:p' HOP"),
 * nested jumps included (the -v is passed on); each HOP is then resolved by `ssh -G` with those
 * very arguments. resolveConnection's jump list must be that chain, outermost first, hop by hop.
 * All in the sandbox (test/unit/support/ssh-oracle.ts): the proxies' lookups fail there, nothing leaves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConnection } from './connection.js';
import { loadSshConfig } from './load-ssh-config.js';
import { inSandbox, oracleAvailable, parseSshG, shq } from '../../test/unit/support/ssh-oracle.js';
import { shlexSplit } from '../parse/shlex.js';

const CONFIG = `Host t1
  ProxyJump a,u@b:2200
Host t2
  ProxyJump ssh://ops@c:2022
Host t3
  ProxyJump inner
Host b
  ProxyJump never-spliced
  User buser
  UserKnownHostsFile ~/.ssh/kh_b
Host a
  ProxyJump first
  IdentityFile ~/.ssh/a_%r
Host inner
  HostName Inner.Example
  ProxyJump outer
  Port 2222
Host outer
  User outer-user
  UserKnownHostsFile /etc/kh_outer_%h
`;
const TARGETS = ['t1', 't2', 't3'];

describe.skipIf(!oracleAvailable)('ProxyJump chains agree with ssh', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysfleet-jump-oracle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cfgPath = join(dir, 'config');
  writeFileSync(cfgPath, CONFIG);
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, '127.0.0.1 localhost\n');
  const cfg = await loadSshConfig(cfgPath, { system: false });

  // Pass 1: the proxy commands ssh builds for each target (outermost last).
  const verbose = inSandbox(
    hostsFile,
    TARGETS.map(
      (t) =>
        `echo '@@@'; timeout 20 ssh -v -F ${shq(cfgPath)} -o BatchMode=yes -o ConnectTimeout=1 ${t} true </dev/null 2>&1 | grep 'Executing proxy command' || true`,
    ).join('\n'),
  )
    .split(/^@@@\n/m)
    .slice(1);
  const hopsOf = verbose.map((out) =>
    out
      .split(/\r?\n/) // ssh's log lines end in \r\n
      .map((l) => /Executing proxy command: exec (.*)$/.exec(l)?.[1])
      .filter((c): c is string => !!c)
      .map((c) => {
        const argv = shlexSplit(c).slice(1); // drop `ssh`
        const hop = argv.pop()!;
        const keep: string[] = [];
        for (let i = 0; i < argv.length; i++) {
          if (argv[i] === '-F' || argv[i] === '-W') i++;
          else if (argv[i] !== '-v')
            keep.push(argv[i]!, ...(['-l', '-p', '-J'].includes(argv[i]!) ? [argv[++i]!] : []));
        }
        return { hop, args: keep };
      })
      .reverse(),
  );
  // Pass 2: each hop as ssh resolves it with exactly those arguments.
  const all = hopsOf.flat();
  const gOut = inSandbox(
    hostsFile,
    all
      .map(
        (h) =>
          `echo '@@@'; ssh -G -F ${shq(cfgPath)} ${h.args.map(shq).join(' ')} ${shq(h.hop)} </dev/null`,
      )
      .join('\n'),
  )
    .split(/^@@@\n/m)
    .slice(1)
    .map(parseSshG);

  let k = 0;
  TARGETS.forEach((t, i) => {
    const expected = hopsOf[i]!.map(() => {
      const g = gOut[k++]!;
      return {
        address: g['hostname']![0],
        port: Number(g['port']![0]),
        user: g['user']![0],
        knownHostsFiles: g['userknownhostsfile']![0]!.split(' '),
        identityFiles: g['identityfile']!,
      };
    });
    it(`${t}: ${hopsOf[i]!.map((h) => [...h.args, h.hop].join(' ')).join(' > ')}`, () => {
      expect(hopsOf[i]!.length).toBeGreaterThan(0);
      const jump = resolveConnection({ name: t, groups: ['all'], vars: {} }, cfg).jump;
      const home = cfg.home;
      expect(
        jump.map((j) => ({
          address: j.address,
          port: j.port,
          user: j.user,
          knownHostsFiles: j.knownHostsFiles,
          identityFiles: j.identityFiles,
        })),
      ).toEqual(
        expected.map((e) => ({
          ...e,
          // ssh -G prints IdentityFile unexpanded; ~ and %r are all these use.
          identityFiles: e.identityFiles.map((f) => f.replace(/^~/, home).replace('%r', e.user!)),
        })),
      );
    });
  });
});
