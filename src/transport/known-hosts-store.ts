/**
 * The edge around known-hosts.ts: reads the files once, answers lookups from memory, and appends
 * new keys (accept-new) to the first file atomically (write a temp file beside it, then rename),
 * one append at a time so parallel hosts do not lose each other's lines. Another process
 * appending at the same moment can still lose a line; OpenSSH has the same race.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { InputFileError, readText } from '../parse/files.js';
import { dirname } from 'node:path';
import { expandHome } from './auth.js';
import {
  checkHostKey,
  formatKnownHostsLine,
  KnownHostsIndex,
  knownKeyTypes,
  parseKnownHosts,
  type HostKeyVerdict,
  type KnownHostEntry,
  type KnownHostsParseIssue,
} from './known-hosts.js';

export const DEFAULT_KNOWN_HOSTS = ['~/.ssh/known_hosts'];

export class KnownHostsStore {
  private entries: KnownHostEntry[];
  /** Rebuilt after an append; built on first use. */
  private index: KnownHostsIndex | undefined;
  private appendChain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly files: string[],
    entries: KnownHostEntry[],
    readonly issues: KnownHostsParseIssue[],
  ) {
    this.entries = entries;
  }

  /** Load the files (missing ones count as empty). */
  static async load(files: string[] = DEFAULT_KNOWN_HOSTS): Promise<KnownHostsStore> {
    const paths = files.map(expandHome);
    const entries: KnownHostEntry[] = [];
    const issues: KnownHostsParseIssue[] = [];
    for (const file of paths) {
      let text: string;
      try {
        text = await readText(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        if (e instanceof InputFileError) throw new Error(`known_hosts: ${e.message}`);
        throw e;
      }
      const parsed = parseKnownHosts(text, file);
      entries.push(...parsed.entries);
      issues.push(...parsed.issues);
    }
    return new KnownHostsStore(paths, entries, issues);
  }

  check(address: string, port: number, key: Buffer): HostKeyVerdict {
    return checkHostKey(this.candidates(address, port), address, port, key);
  }

  knownTypes(address: string, port: number): string[] {
    return knownKeyTypes(this.candidates(address, port), address, port);
  }

  private candidates(address: string, port: number): KnownHostEntry[] {
    this.index ??= new KnownHostsIndex(this.entries);
    return this.index.lookup(address, port);
  }

  /** Record a new key in the first file; resolves once it is on disk. */
  add(address: string, port: number, key: Buffer): Promise<void> {
    const run = this.appendChain.then(() => this.append(address, port, key));
    this.appendChain = run.catch(() => undefined);
    return run;
  }

  private async append(address: string, port: number, key: Buffer): Promise<void> {
    // Another host behind the same address may have recorded it while we waited.
    if (this.check(address, port, key).status === 'known') return;
    const file = this.files[0];
    if (file === undefined) throw new Error('no known_hosts file to record the new host key in');
    const line = formatKnownHostsLine(address, port, key);
    let before = '';
    let mode = 0o600;
    try {
      before = await readFile(file, 'utf8');
      mode = (await stat(file)).mode & 0o777;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    }
    const sep = before === '' || before.endsWith('\n') ? '' : '\n';
    const tmp = `${file}.sysfleet-${process.pid}.tmp`;
    await writeFile(tmp, before + sep + line + '\n', { mode });
    await rename(tmp, file);
    const lineNo = (before + sep).split('\n').length;
    const parsed = parseKnownHosts(line, file).entries.map((e) => ({ ...e, line: lineNo }));
    this.entries.push(...parsed);
    this.index = undefined;
  }
}
