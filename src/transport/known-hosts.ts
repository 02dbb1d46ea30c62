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
    const lit = this.literal.get(name) ?? [];
    const idx =
      this.patterned.length === 0 ? lit : [...lit, ...this.patterned].sort((a, b) => a - b);
    return idx.map((i) => this.entries[i]!);
  }
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  /** A key of the same family is recorded for this host, and it is a different key. */
  | { status: 'changed'; entry: KnownHostEntry }
  /** No usable entry; `otherTypes` lists key types recorded for the host (if any); `caOnly` when only @cert-authority lines matched. */
  | { status: 'unknown'; otherTypes: string[]; caOnly: boolean };

/** Check a presented host key (SSH wire blob) against the parsed entries. */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const presentedType = keyTypeOfBlob(key) ?? '';
  // A revoked key is refused even when another line lists the same key as good.
  for (const e of entries) {
    if (e.marker === 'revoked' && e.key.equals(key) && hostFieldMatches(e.hosts, name)) {
      return { status: 'revoked', entry: e };
    }
  }
  const forHost = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name));
  const exact = forHost.find((e) => e.key.equals(key));
  if (exact) return { status: 'known', entry: exact };
  const changed = forHost.find((e) => sameKeyFamily(e.keyType, presentedType));
  if (changed) return { status: 'changed', entry: changed };
  const caOnly =
    forHost.length === 0 &&
    entries.some((e) => e.marker === 'cert-authority' && hostFieldMatches(e.hosts, name));
  return { status: 'unknown', otherTypes: [...new Set(forHost.map((e) => e.keyType))], caOnly };
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
