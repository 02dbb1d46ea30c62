/**
 * known_hosts as OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): pure parsing and
 * matching. Reading and appending files lives in known-hosts-store.ts.
 *
 * Supported: plain and hashed (`|1|salt|hmac-sha1`) host fields, comma lists, `[host]:port`,
 * wildcards `*` and `?`, negation `!`, several keys per host, `@revoked`, comments and blank lines.
 * `@cert-authority` lines are parsed and then ignored (ssh2 does not verify host certificates), so
 * a host known only through a CA is "unknown" and the message says why.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyTypeOfBlob, sameKeyFamily } from './host-key.js';

export type KnownHostMarker = 'revoked' | 'cert-authority';

export interface KnownHostEntry {
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  marker?: KnownHostMarker;
  /** The raw host field; patterns are derived from it. */
  hosts: string;
  keyType: string;
  /** Decoded public key blob (SSH wire format). */
  key: Buffer;
}

export interface KnownHostsParseIssue {
  file: string;
  line: number;
  message: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  /** Lines that could not be understood; they are skipped, as OpenSSH does. */
  issues: KnownHostsParseIssue[];
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const issues: KnownHostsParseIssue[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostMarker | undefined;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else {
        issues.push({ file, line, message: `unknown marker ${m}` });
        return;
      }
    }
    const [hosts, keyType, blob] = fields;
    if (hosts === undefined || keyType === undefined || blob === undefined) {
      issues.push({ file, line, message: 'expected: [marker] hosts keytype base64-key [comment]' });
      return;
    }
    if (!BASE64.test(blob)) {
      issues.push({ file, line, message: 'key is not base64' });
      return;
    }
    const key = Buffer.from(blob, 'base64');
    const inner = keyTypeOfBlob(key);
    if (inner === undefined || inner !== keyType) {
      issues.push({ file, line, message: `key blob does not hold a ${keyType} key` });
      return;
    }
    entries.push({ file, line, ...(marker ? { marker } : {}), hosts, keyType, key });
  });
  return { entries, issues };
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise (lower-cased). */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** OpenSSH's match_pattern: `*` any run, `?` any one character. */
export function matchPattern(name: string, pattern: string): boolean {
  if (!/[*?]/.test(pattern)) return name === pattern;
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    's',
  );
  return re.test(name);
}

function matchHashed(name: string, field: string): boolean {
  const parts = field.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  const want = Buffer.from(parts[3] ?? '', 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * Does the entry's host field match `name` (already in knownHostsName form)? A negated pattern
 * that matches vetoes the whole line, as in OpenSSH's match_hostname.
 */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return matchHashed(name, field);
  let positive = false;
  for (const raw of field.split(',')) {
    if (raw === '') continue;
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (matchPattern(name, pattern)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

/**
 * The entries that can match a name, found without testing every line: entries whose host field
 * is only literal names are indexed by name; wildcard, negated and hashed fields are tested for
 * every name, as OpenSSH does. With thousands of hosts in one known_hosts file, testing every
 * line for every host was O(hosts x lines) regular expressions.
 */
export class KnownHostsIndex {
  private readonly literal = new Map<string, number[]>();
  private readonly patterned: number[] = [];

  constructor(readonly entries: readonly KnownHostEntry[]) {
    entries.forEach((e, i) => {
      const names = e.hosts.toLowerCase().split(',');
      if (e.hosts.startsWith('|') || names.some((n) => /[*?!]/.test(n))) {
        this.patterned.push(i);
        return;
      }
      for (const n of new Set(names)) {
        if (n === '') continue;
        const list = this.literal.get(n);
        if (list) list.push(i);
        else this.literal.set(n, [i]);
      }
    });
  }

  /** Entries that may match `name` (knownHostsName form), in file order. */
  candidates(name: string): KnownHostEntry[] {
    return this.indices([name]).map((i) => this.entries[i]!);
  }

  /**
   * Entries checkHostKey needs for `host` on `port`: those for `[host]:port` and, on another port
   * than 22, for the bare `host` too (it can serve there), in file order.
   */
  lookup(host: string, port: number): KnownHostEntry[] {
    const names = [knownHostsName(host, port)];
    if (port !== 22) names.push(host.toLowerCase());
    return this.indices(names).map((i) => this.entries[i]!);
  }

  private indices(names: string[]): number[] {
    const lit = names.flatMap((n) => this.literal.get(n) ?? []);
    if (this.patterned.length === 0 && names.length === 1) return lit;
    return [...new Set([...lit, ...this.patterned])].sort((a, b) => a - b);
  }
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  /** Other keys are recorded for this host (of its type, or of other types or curves). */
  | { status: 'changed'; entry: KnownHostEntry }
  /** No usable entry; `otherTypes` lists key types recorded for the host (if any); `caOnly` when only @cert-authority lines matched. */
  | { status: 'unknown'; otherTypes: string[]; caOnly: boolean };

/**
 * The verdict of the entries for one name, or undefined when none speaks for it. A revoked
 * matching key wins over everything; an exact plain entry is known; with `changedWhenOther`, any
 * other plain entry for the name (another key, another type or curve) makes the key CHANGED.
 */
function verdictFor(
  entries: readonly KnownHostEntry[],
  name: string,
  key: Buffer,
  presentedType: string,
  changedWhenOther: boolean,
): HostKeyVerdict | undefined {
  for (const e of entries) {
    if (e.marker === 'revoked' && e.key.equals(key) && hostFieldMatches(e.hosts, name)) {
      return { status: 'revoked', entry: e };
    }
  }
  const forHost = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name));
  const exact = forHost.find((e) => e.key.equals(key));
  if (exact) return { status: 'known', entry: exact };
  if (!changedWhenOther || forHost.length === 0) return undefined;
  // name the recorded key of the same type when there is one, else the first recorded
  const entry = forHost.find((e) => sameKeyFamily(e.keyType, presentedType)) ?? forHost[0]!;
  return { status: 'changed', entry };
}

/**
 * Check a presented host key (SSH wire blob) against the parsed entries, as OpenSSH 9 decides
 * (each rule checked against a real `ssh -o StrictHostKeyChecking=yes|accept-new`):
 * - under the name `[host]:port` (`host` for 22): a revoked key is refused, the recorded key is
 *   known, and a key of any other type or curve than the recorded ones is CHANGED, not new;
 * - on another port than 22, when nothing is recorded under `[host]:port`, a bare `host` entry
 *   serves: its exact key is known, a revoked one refused; a mismatch there is merely unknown.
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const presentedType = keyTypeOfBlob(key) ?? '';
  const direct = verdictFor(entries, name, key, presentedType, true);
  if (direct) return direct;
  const bareName = host.toLowerCase();
  const bare = port === 22 ? undefined : verdictFor(entries, bareName, key, presentedType, false);
  if (bare) return bare;
  const names = port === 22 ? [name] : [name, bareName];
  const recorded = entries.filter(
    (e) => e.marker === undefined && names.some((n) => hostFieldMatches(e.hosts, n)),
  );
  const caOnly =
    recorded.length === 0 &&
    entries.some(
      (e) => e.marker === 'cert-authority' && names.some((n) => hostFieldMatches(e.hosts, n)),
    );
  return { status: 'unknown', otherTypes: [...new Set(recorded.map((e) => e.keyType))], caOnly };
}

/** Key types recorded for a host (plain entries only), to steer host key negotiation. */
export function knownKeyTypes(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
): string[] {
  const name = knownHostsName(host, port);
  return [
    ...new Set(
      entries
        .filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name))
        .map((e) => e.keyType),
    ),
  ];
}

/** A plain known_hosts line for `host`/`port` (what accept-new appends). */
export function formatKnownHostsLine(host: string, port: number, key: Buffer): string {
  const type = keyTypeOfBlob(key);
  if (type === undefined) throw new Error('not an SSH public key blob');
  return `${knownHostsName(host, port)} ${type} ${key.toString('base64')}`;
}
