import { describe, expect, it } from 'vitest';
import {
  canonicalDomains,
  canonicalizeHost,
  checkCanonicalLine,
  inetAton,
  inetNtop6,
  inetPton6,
  numericHost,
  permittedCnames,
  validDomain,
  type CanonInput,
  type NameLookup,
} from './ssh-canonical.js';
import { getentLookup, parseGetentAhosts } from './load-ssh-config.js';

/** A resolver over a table: name → [canonical name, address]; everything else is missing. */
function table(t: Record<string, [string, string] | 'unknown'>, asked: string[] = []) {
  return (name: string): NameLookup => {
    asked.push(name);
    const e = t[name];
    if (e === 'unknown') return { kind: 'unknown', reason: 'timed out' };
    return e ? { kind: 'found', canonName: e[0], addresses: [e[1]] } : { kind: 'missing' };
  };
}

const base = (over: Partial<CanonInput>): CanonInput => ({
  host: 'db',
  mode: 'yes',
  direct: true,
  maxDots: 1,
  domains: ['corp.example', 'lab.example'],
  fallbackLocal: true,
  permittedCnames: [],
  family: 'any',
  lookup: table({}),
  ...over,
});

describe('numeric addresses (getaddrinfo AI_NUMERICHOST, getnameinfo)', () => {
  it('reads IPv4 as inet_aton: octal, hex, short forms', () => {
    expect(inetAton('127.000.000.001')).toEqual([127, 0, 0, 1]);
    expect(inetAton('010.1')).toEqual([8, 0, 0, 1]);
    expect(inetAton('0x7f.1')).toEqual([127, 0, 0, 1]);
    expect(inetAton('4294967295')).toEqual([255, 255, 255, 255]);
    expect(inetAton('1.2.65535')).toEqual([1, 2, 255, 255]);
    for (const bad of ['4294967296', '1.2.3.256', '1.2.65536', '09.1', '1..2', '127.0.0.1.', 'a'])
      expect(inetAton(bad), bad).toBeUndefined();
  });
  it('prints IPv6 as glibc inet_ntop does', () => {
    const n = (s: string) => inetNtop6(inetPton6(s)!);
    expect(n('0:0::1')).toBe('::1');
    expect(n('::')).toBe('::');
    expect(n('::FFFF:1')).toBe('::255.255.0.1');
    expect(n('::ffff:1.2.3.4')).toBe('::ffff:1.2.3.4');
    expect(n('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(n('1:0:0:0:2:0:0:3')).toBe('1::2:0:0:3');
    expect(n('2001:DB8::0001')).toBe('2001:db8::1');
    expect(inetPton6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(inetPton6('::1.2.3')).toBeUndefined();
  });
  it('honours AddressFamily and leaves scoped addresses alone', () => {
    expect(numericHost('127.1', 'inet6')).toBeUndefined();
    expect(numericHost('::1', 'inet')).toBeUndefined();
    expect(numericHost('fe80::1%lo', 'any')).toBeUndefined();
    expect(numericHost('web', 'any')).toBeUndefined();
  });
});

describe("readconf.c's checks", () => {
  it('valid_domain strips one trailing dot and refuses what ssh refuses', () => {
    expect(validDomain('a_b.example.')).toEqual({ ok: 'a_b.example' });
    expect(validDomain('-a.example')).toHaveProperty('error');
    expect(validDomain('a..example')).toHaveProperty('error');
    expect(validDomain('bad!.example')).toHaveProperty('error');
  });
  it('refuses bad values of the five keywords with ssh words', () => {
    expect(checkCanonicalLine('canonicalizehostname', ['maybe'])).toBe(
      'unsupported option "maybe".',
    );
    expect(checkCanonicalLine('canonicalizehostname', ['ALWAYS'])).toBeUndefined();
    expect(checkCanonicalLine('canonicalizemaxdots', ['-1'])).toBe('integer value too small.');
    expect(checkCanonicalLine('canonicalizemaxdots', ['0x1'])).toBe('integer value invalid.');
    expect(checkCanonicalLine('canonicaldomains', ['a.example', 'none'])).toMatch(
      /must appear alone/,
    );
    expect(checkCanonicalLine('canonicalizepermittedcnames', ['nocolon'])).toMatch(
      /Invalid permitted/,
    );
    expect(checkCanonicalLine('canonicalizepermittedcnames', ['none:'])).toMatch(
      /Invalid permitted/,
    );
    expect(checkCanonicalLine('canonicalizepermittedcnames', ['*:*'])).toBeUndefined();
  });
  it('keeps domains and CNAME rules as ssh stores them', () => {
    expect(canonicalDomains(['Corp.Example', 'lab.example.'])).toEqual([
      'corp.example',
      'lab.example',
    ]);
    expect(canonicalDomains(['none'])).toEqual([]);
    expect(permittedCnames(['*.A:*.B,c'])).toEqual([{ source: '*.a', target: '*.b,c' }]);
    expect(permittedCnames(['none'])).toEqual([]);
  });
});

describe('canonicalizeHost (resolve_canonicalize, check_follow_cname)', () => {
  it('tries each domain in order with a trailing dot; the first found wins', () => {
    const asked: string[] = [];
    const r = canonicalizeHost(
      base({ lookup: table({ 'db.lab.example.': ['db.lab.example.', '10.0.0.2'] }, asked) }),
    );
    expect(asked).toEqual(['db.corp.example.', 'db.lab.example.']);
    expect(r).toMatchObject({ host: 'db.lab.example', how: 'domain', lookedUp: 'db.lab.example.' });
  });
  it('skips names with more than MaxDots dots, and proxied names unless always', () => {
    const asked: string[] = [];
    expect(canonicalizeHost(base({ host: 'a.b.c', lookup: table({}, asked) })).host).toBe('a.b.c');
    expect(canonicalizeHost(base({ direct: false, lookup: table({}, asked) })).host).toBe('db');
    expect(asked).toEqual([]);
    const r = canonicalizeHost(
      base({
        direct: false,
        mode: 'always',
        lookup: table({ 'db.corp.example.': ['', '1.1.1.1'] }),
      }),
    );
    expect(r.host).toBe('db.corp.example');
  });
  it('follows a CNAME only when a rule permits both names (patterns lower-cased, names not)', () => {
    const lookup = table({ 'cn.corp.example.': ['Real.Target.example.', '10.0.0.3'] });
    const rules = [{ source: '*.corp.example', target: '*.target.example' }];
    expect(canonicalizeHost(base({ host: 'cn', lookup, permittedCnames: rules })).host).toBe(
      'cn.corp.example',
    );
    const star = [{ source: '*', target: '*' }];
    expect(canonicalizeHost(base({ host: 'cn', lookup, permittedCnames: star }))).toMatchObject({
      host: 'Real.Target.example',
      how: 'cname',
      cname: 'Real.Target.example',
      lookedUp: 'cn.corp.example.',
    });
  });
  it('CanonicalizeFallbackLocal no: ssh stops, unless a lookup could not be made', () => {
    expect(canonicalizeHost(base({ fallbackLocal: false })).fatal).toMatch(
      /Could not resolve host "db"/,
    );
    expect(canonicalizeHost(base({ host: 'gone.', fallbackLocal: false })).fatal).toBeDefined();
    expect(canonicalizeHost(base({ host: 'a.b.c', fallbackLocal: false })).fatal).toBeUndefined();
    const unsure = canonicalizeHost(
      base({ fallbackLocal: false, lookup: table({ 'db.corp.example.': 'unknown' }) }),
    );
    expect(unsure.fatal).toBeUndefined();
    expect(unsure.unsure).toEqual(['looking up "db.corp.example.": timed out']);
  });
  it('PermittedCNAMEs: the bare name is looked up even with canonicalisation off', () => {
    const rules = [{ source: '*', target: '*' }];
    const lookup = table({ alias: ['real.example', '10.0.0.4'] });
    expect(
      canonicalizeHost(base({ mode: 'no', host: 'alias', lookup, permittedCnames: rules })).host,
    ).toBe('alias');
    expect(canonicalizeHost(base({ host: 'alias', lookup, permittedCnames: rules })).host).toBe(
      'real.example',
    );
    expect(
      canonicalizeHost(base({ mode: 'no', host: 'gone', permittedCnames: rules })).fatal,
    ).toMatch(/Could not resolve hostname gone/);
    // proxied: ssh does not fail on a name the proxy resolves
    const proxied = base({ mode: 'always', direct: false, host: 'gone', permittedCnames: rules });
    expect(canonicalizeHost(proxied).fatal).toBeUndefined();
  });
  it('rewrites a numeric address in every mode, and looks nothing up for it', () => {
    const asked: string[] = [];
    expect(
      canonicalizeHost(base({ mode: 'no', host: '127.1', lookup: table({}, asked) })),
    ).toMatchObject({ host: '127.0.0.1', how: 'address' });
    expect(asked).toEqual([]);
  });
});

describe('getent ahosts as getaddrinfo', () => {
  it('takes the first line canonical name and every address once', () => {
    const out =
      '127.0.0.6       STREAM real.target.example.\n127.0.0.6       DGRAM  \n::1 STREAM\n';
    expect(parseGetentAhosts(out, 'any')).toEqual({
      kind: 'found',
      canonName: 'real.target.example.',
      addresses: ['127.0.0.6', '::1'],
    });
    expect(parseGetentAhosts('::ffff:127.0.0.1 STREAM x\n', 'inet6')).toEqual({ kind: 'missing' });
  });
  it('maps exit statuses, asks each name once, and reports what it cannot know', () => {
    const runs: string[] = [];
    const lookup = getentLookup((db, name) => {
      runs.push(`${db} ${name}`);
      if (name === 'slow') return { status: null, stdout: '' };
      if (name === 'odd') return { status: 3, stdout: '' };
      return name === 'here'
        ? { status: 0, stdout: '10.0.0.1 STREAM here\n' }
        : { status: 2, stdout: '' };
    });
    expect(lookup('here', 'inet')).toMatchObject({ kind: 'found', canonName: 'here' });
    expect(lookup('here', 'inet')).toMatchObject({ kind: 'found' });
    expect(lookup('gone', 'any')).toEqual({ kind: 'missing' });
    expect(lookup('slow', 'any')).toMatchObject({ kind: 'unknown' });
    expect(lookup('odd', 'inet6')).toEqual({ kind: 'unknown', reason: 'getent exit status 3' });
    expect(runs).toEqual(['ahostsv4 here', 'ahosts gone', 'ahosts slow', 'ahostsv6 odd']);
    const missing = getentLookup(() => ({
      status: null,
      stdout: '',
      error: Object.assign(new Error('spawn getent ENOENT'), { code: 'ENOENT' }),
    }));
    expect(missing('x', 'any')).toEqual({
      kind: 'unknown',
      reason: 'getent is not installed (libc-bin)',
    });
  });
});
