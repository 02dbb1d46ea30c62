/**
 * OpenSSH 9.2's host name canonicalisation (ssh.c resolve_canonicalize, check_follow_cname and
 * the CanonicalizePermittedCNAMEs lookup in main; readconf.c's checks of the five keywords;
 * misc.c valid_domain), as a pure function of the options and a getaddrinfo stand-in:
 *
 * 1. A numeric address (getaddrinfo AI_NUMERICHOST: inet_aton's `127.1`, `0x7f.1`, `4294967295`;
 *    IPv6) is rewritten to getnameinfo's numeric form, whatever CanonicalizeHostname says.
 * 2. With CanonicalizeHostname yes (no ProxyCommand/ProxyJump) or always: a name ending in `.`
 *    is looked up as it is; else, with at most CanonicalizeMaxDots dots, `name.DOMAIN.` for each
 *    CanonicalDomains in order; the first found wins (trailing dot removed) and its canonical
 *    name (AI_CANONNAME) is followed when a CanonicalizePermittedCNAMEs rule allows it. Nothing
 *    found and CanonicalizeFallbackLocal no: ssh stops ("Could not resolve host").
 * 3. Nothing found yet and CanonicalizePermittedCNAMEs set (direct, or always): the name is looked
 *    up as it is (the resolver's own search rules) and its CNAME followed. A direct name that does
 *    not resolve stops ssh here — even with CanonicalizeHostname no.
 *
 * The caller then re-reads the config with the new name (the final pass) when canonicalisation
 * is on. A lookup that could not be done faithfully (`unknown`) is reported, not guessed.
 */
import { matchPatternList } from './ssh-config-match.js';

export type AddressFamily = 'any' | 'inet' | 'inet6';

/** getaddrinfo(name, AI_CANONNAME): found (canonical name, '' if none; addresses), or not. */
export type NameLookup =
  | { kind: 'found'; canonName: string; addresses: string[] }
  | { kind: 'missing' }
  /** The lookup could not be done here as ssh would do it (no getent, timeout, ...). */
  | { kind: 'unknown'; reason: string };

export type CanonicalizeMode = 'no' | 'yes' | 'always';

export interface CnameRule {
  source: string;
  target: string;
}

export interface CanonInput {
  /** The host name after HostName expansion and lower-casing. */
  host: string;
  mode: CanonicalizeMode;
  /** No ProxyCommand and no ProxyJump. */
  direct: boolean;
  maxDots: number;
  /** CanonicalDomains, lower-case, trailing dot removed (readconf.c valid_domain). */
  domains: readonly string[];
  fallbackLocal: boolean;
  permittedCnames: readonly CnameRule[];
  family: AddressFamily;
  lookup: (name: string, family: AddressFamily) => NameLookup;
}

export interface CanonResult {
  /** The host name from here on (ssh -G hostname, %h, the final pass, known_hosts). */
  host: string;
  /** How it changed: a numeric address rewritten, a domain/anchored lookup, a followed CNAME. */
  how?: 'address' | 'domain' | 'cname';
  /** The name getaddrinfo found, as ssh passed it (`db.corp.example.`): ssh connects to its addresses. */
  lookedUp?: string;
  /** Those addresses, in getaddrinfo's order. */
  addresses?: string[];
  /** The CNAME target followed (then `host` is it). */
  cname?: string;
  /** ssh stops here (exit 255) with this message. */
  fatal?: string;
  /** Lookups that could not be done as ssh would: the result is not trustworthy. */
  unsure: string[];
}

// ---------------------------------------------------------------------------------------------
// numeric addresses (getaddrinfo AI_NUMERICHOST, then getnameinfo NI_NUMERICHOST)

/** glibc __inet_aton_exact: 1-4 parts, each decimal, 0-octal or 0x-hex; the last fills the rest. */
export function inetAton(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length > 4) return undefined;
  const vals: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) v = p.length > 2 ? parseInt(p.slice(2), 16) : 0;
    else if (/^0[0-7]*$/.test(p)) v = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) v = Number(p);
    else return undefined;
    if (!Number.isFinite(v) || v > 0xffffffff) return undefined;
    vals.push(v);
  }
  const last = vals.pop()!;
  if (vals.some((v) => v > 0xff)) return undefined;
  const restBytes = 4 - vals.length;
  if (last >= 2 ** (8 * restBytes)) return undefined;
  const out = [...vals];
  for (let i = restBytes - 1; i >= 0; i--) out.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return out;
}

/** inet_pton4 (strict dotted quad, no leading zeros), for the tail of an IPv6 address. */
function pton4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out.push(Number(p));
  }
  return out;
}

/** inet_pton6: eight 16-bit words, or undefined. */
export function inetPton6(s: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    const items = h.split(':');
    for (const [i, g] of items.entries()) {
      if (i === items.length - 1 && g.includes('.')) {
        const v4 = pton4(g);
        if (!v4) return undefined;
        out.push(v4[0]! * 256 + v4[1]!, v4[2]! * 256 + v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  if (!head) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const tail = groups(halves[1]!);
  if (!tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** glibc inet_ntop6: the longest (first) run of >= 2 zero words as `::`, IPv4 tails dotted. */
export function inetNtop6(w: readonly number[]): string {
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      cur = cur.base === -1 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
      if (cur.len > best.len) best = cur;
    } else cur = { base: -1, len: 0 };
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff))) {
      out += [w[6]! >> 8, w[6]! & 0xff, w[7]! >> 8, w[7]! & 0xff].join('.');
      break;
    }
    out += w[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

/**
 * resolve_addr(): the numeric form of an address literal in the configured family, or
 * undefined for a name. Scoped IPv6 (`fe80::1%eth0`) is left alone (undefined).
 */
export function numericHost(host: string, family: AddressFamily): string | undefined {
  if (family !== 'inet6') {
    const v4 = inetAton(host);
    if (v4) return v4.join('.');
  }
  if (family !== 'inet') {
    const v6 = inetPton6(host);
    if (v6) return inetNtop6(v6);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// readconf.c's checks

/** misc.c valid_domain(): the name with a trailing dot removed, or why it is not a domain. */
export function validDomain(name: string): { ok: string } | { error: string } {
  if (name === '') return { error: 'empty domain name' };
  if (!/^[A-Za-z0-9]/.test(name))
    return { error: `domain name "${name}" starts with invalid character` };
  if (name.includes('..'))
    return { error: `domain name "${name}" contains consecutive separators` };
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    return { error: `domain name "${name}" contains invalid characters` };
  return { ok: name.endsWith('.') ? name.slice(0, -1) : name };
}

/**
 * What readconf.c refuses in the five canonicalisation keywords (in any block, as ssh parses
 * every line): the message, or undefined when the arguments are good.
 */
export function checkCanonicalLine(keyword: string, args: readonly string[]): string | undefined {
  const one = args[0] ?? '';
  switch (keyword) {
    case 'canonicalizehostname':
      return /^(yes|no|true|false|always)$/i.test(one) ? undefined : `unsupported option "${one}".`;
    case 'canonicalizefallbacklocal':
      return /^(yes|no|true|false)$/i.test(one) ? undefined : `unsupported option "${one}".`;
    case 'canonicalizemaxdots':
      if (!/^-?[0-9]+$/.test(one)) return 'integer value invalid.';
      if (Number(one) < 0) return 'integer value too small.';
      return Number(one) > 2147483647 ? 'integer value too large.' : undefined;
    case 'canonicaldomains':
      for (const a of args) {
        if (a.toLowerCase() === 'none') {
          if (args.length > 1) return `keyword ${keyword} "none" argument must appear alone.`;
          continue;
        }
        const v = validDomain(a);
        if ('error' in v) return v.error;
      }
      return undefined;
    case 'canonicalizepermittedcnames':
      for (const a of args) {
        if (a === 'none') {
          if (args.length > 1) return `keyword ${keyword} "none" argument must appear alone.`;
          continue;
        }
        const i = a.indexOf(':');
        if (i <= 0 || a.slice(0, i).toLowerCase() === 'none')
          return `Invalid permitted CNAME "${a}"`;
      }
      return undefined;
  }
  return undefined;
}

/** The CanonicalizeHostname value as a mode. */
export function canonicalizeMode(v: string | undefined): CanonicalizeMode {
  const m = (v ?? 'no').toLowerCase();
  return m === 'always' ? 'always' : m === 'yes' || m === 'true' ? 'yes' : 'no';
}

/** CanonicalDomains as resolve_canonicalize uses them (lower-case, no trailing dot; none = []). */
export function canonicalDomains(args: readonly string[] | undefined): string[] {
  if (!args || args.length === 0 || args[0]!.toLowerCase() === 'none') return [];
  return args.map((d) => {
    const v = validDomain(d);
    return ('ok' in v ? v.ok : d).toLowerCase();
  });
}

/** CanonicalizePermittedCNAMEs rules (lower-case, as readconf.c keeps them; none = []). */
export function permittedCnames(args: readonly string[] | undefined): CnameRule[] {
  if (!args || args.length === 0 || args[0] === 'none') return [];
  return args.flatMap((a) => {
    const i = a.indexOf(':');
    return i > 0
      ? [{ source: a.slice(0, i).toLowerCase(), target: a.slice(i + 1).toLowerCase() }]
      : [];
  });
}

// ---------------------------------------------------------------------------------------------
// ssh.c

/** The AI_CANONNAME answer as resolve_host keeps it: valid_domain, trailing dot removed; else ''. */
function cleanCanonName(name: string): string {
  if (name === '') return '';
  const v = validDomain(name);
  return 'ok' in v ? v.ok : '';
}

/** check_follow_cname(): the CNAME target when a rule permits following it. */
function followCname(inp: CanonInput, name: string, cname: string): string | undefined {
  if (cname === '' || inp.permittedCnames.length === 0 || name === cname) return undefined;
  if (inp.mode === 'no') return undefined;
  if (!inp.direct && inp.mode !== 'always') return undefined;
  for (const r of inp.permittedCnames)
    if (matchPatternList(name, r.source, true) && matchPatternList(cname, r.target, true))
      return cname;
  return undefined;
}

export function canonicalizeHost(inp: CanonInput): CanonResult {
  const unsure: string[] = [];
  const look = (name: string) => {
    const r = inp.lookup(name, inp.family);
    if (r.kind === 'unknown') unsure.push(`looking up "${name}": ${r.reason}`);
    return r;
  };
  const numeric = numericHost(inp.host, inp.family);
  if (numeric !== undefined)
    return numeric === inp.host
      ? { host: numeric, unsure }
      : { host: numeric, how: 'address', unsure };

  const found = (lookedUp: string, r: { canonName: string; addresses: string[] }): CanonResult => {
    const name = lookedUp.endsWith('.') ? lookedUp.slice(0, -1) : lookedUp;
    const cname = followCname(inp, name, cleanCanonName(r.canonName));
    return {
      host: cname ?? name,
      how: cname ? 'cname' : 'domain',
      lookedUp,
      addresses: r.addresses,
      ...(cname ? { cname } : {}),
      unsure,
    };
  };

  const host = inp.host;
  if (inp.mode !== 'no' && (inp.direct || inp.mode === 'always')) {
    let tried = false;
    if (host.endsWith('.')) {
      tried = true;
      const r = look(host);
      if (r.kind === 'found') return found(host, r);
    } else if ((host.match(/\./g) ?? []).length <= inp.maxDots) {
      tried = true;
      for (const d of inp.domains) {
        const full = `${host}.${d}.`;
        const r = look(full);
        if (r.kind === 'found') return found(full, r);
      }
    }
    if (tried && !inp.fallbackLocal && unsure.length === 0)
      return {
        host,
        fatal: `Could not resolve host "${host}" (CanonicalizeFallbackLocal no)`,
        unsure,
      };
  }

  if (inp.permittedCnames.length && (inp.direct || inp.mode === 'always')) {
    const r = look(host);
    if (r.kind === 'found') {
      const cname = followCname(inp, host, cleanCanonName(r.canonName));
      if (cname)
        return { host: cname, how: 'cname', lookedUp: host, addresses: r.addresses, cname, unsure };
    } else if (r.kind === 'missing' && inp.direct && unsure.length === 0)
      return {
        host,
        fatal: `Could not resolve hostname ${host} (looked up for CanonicalizePermittedCNAMEs)`,
        unsure,
      };
  }
  return { host, unsure };
}
