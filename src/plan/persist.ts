/**
 * Our persistent file under /etc/sysctl.d: its name (one that wins at boot) and its content.
 * sysfleet only ever writes this one file; when a later file beats every name it could take
 * (procps reads /etc/sysctl.conf last), the plan says so in shadowWarnings instead of editing it.
 */
import type { HostFacts, SysctlFile } from '../facts/types.js';
import type { SysctlKey, SysctlValue } from '../sysctl/types.js';
import type { Target } from '../playbook/types.js';
import { hostDialect, loadOrder, resolveKey } from './precedence.js';
import { satisfies } from './values.js';

export const PERSIST_DIR = '/etc/sysctl.d';

/** Names our file may take, in order of preference: as declared, numeric prefix bumped, 99-zz-. */
export function candidateBasenames(persist: string): string[] {
  const m = /^(\d+)-(.*)$/.exec(persist);
  const rest = m?.[2] ?? persist;
  const names = [persist];
  if (m?.[1]) {
    const width = m[1].length;
    for (let n = Number(m[1]) + 1; n <= 99; n++)
      names.push(`${String(n).padStart(width, '0')}-${rest}`);
  }
  names.push(`99-zz-${rest}`);
  return [...new Set(names)].map((n) => `${n}.conf`);
}

export function renderPersistFile(
  values: [SysctlKey, SysctlValue][],
  playbook: { name: string; source: string },
): string {
  const header = [
    `# Managed by sysfleet (playbook "${playbook.name}", ${playbook.source}).`,
    '# sysfleet apply rewrites this file and keeps the previous one for rollback: do not edit.',
  ];
  return [...header, ...values.map(([k, v]) => `${k} = ${v}`)].join('\n') + '\n';
}

export interface PersistChoice {
  path: string;
  /** Our file under another candidate name that apply should remove (it was ours, renamed). */
  replaces: string[];
  /** Keys that will still not get their value at boot, with the file that beats ours. */
  warnings: string[];
}

/**
 * Pick the first candidate name under which every key gets a satisfying boot value, simulating
 * the loader with our file in place (and our other-named copies gone). Falls back to the last
 * candidate and lists what still beats it.
 */
export function choosePersistPath(
  facts: HostFacts,
  persist: string,
  values: [SysctlKey, SysctlValue][],
  targets: Record<SysctlKey, Target>,
): PersistChoice {
  const candidates = candidateBasenames(persist);
  const ours = new Set(candidates.map((b) => `${PERSIST_DIR}/${b}`));
  const others = facts.sysctlFiles.filter((f) => !ours.has(f.path));
  const existing = facts.sysctlFiles.filter((f) => ours.has(f.path)).map((f) => f.path);
  const dialect = hostDialect(facts);
  let last: PersistChoice | undefined;
  for (const basename of candidates) {
    const path = `${PERSIST_DIR}/${basename}`;
    const file: SysctlFile = {
      path,
      dir: PERSIST_DIR,
      basename,
      lines: values.map(([key, value], i) => ({ line: i + 3, key, value, ignoreFailure: false })),
    };
    const order = loadOrder([file, ...others], facts.sysctlLoader);
    const warnings: string[] = [];
    for (const [key] of values) {
      const target = targets[key];
      const res = resolveKey(order, key, dialect);
      const boot = res.boot;
      if (target && boot && boot.file !== path && !satisfies(target, boot.value)) {
        warnings.push(
          `${key}: ${boot.file}:${boot.line} sets ${boot.value} and is read after ${path}`,
        );
      } else if (target && !boot && res.excludedBy) {
        // systemd: `-key` read after our line erases it, and the key keeps its kernel default
        const ex = res.excludedBy;
        warnings.push(`${key}: ${ex.file}:${ex.line} (-${ex.pattern}) is read after ${path}`);
      }
    }
    last = { path, replaces: existing.filter((p) => p !== path), warnings };
    if (warnings.length === 0) return last;
  }
  return last as PersistChoice;
}
