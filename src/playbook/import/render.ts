/**
 * Found targets → the text of a sysfleet playbook (schemas/playbook.schema.json), with a
 * comment above each target saying where it came from, and a closing list of what could not be
 * carried over and why. Targets for every host go under `targets:`, the others under one
 * override per host pattern, in the order first seen; a later value for the same key and hosts
 * wins, as the later task or file would. `lines` maps each output line to its source, so an
 * error in the rendered playbook can be shown at the input's file:line. Pure.
 */
import type { VarOrigin } from '../../inventory/types.js';
import type { FoundTarget, Imported } from './types.js';

export interface RenderedPlaybook {
  text: string;
  /** Output line (1-based) → the input position it came from. */
  lines: Map<number, VarOrigin>;
}

const where = (o: VarOrigin) => `${o.file}:${o.line}`;

/** A value as YAML: integers plain, anything else quoted. */
function yamlValue(v: string): string {
  const t = v.trim().split(/\s+/).join(' ');
  return /^-?\d+$/.test(t) && String(Number(t)) === t ? t : JSON.stringify(t);
}

function yamlKey(k: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(k) ? k : JSON.stringify(k);
}

export function renderPlaybook(
  imp: Imported,
  opts: { name: string; sources: string[]; persist?: string },
): RenderedPlaybook {
  const lines: string[] = [];
  const map = new Map<number, VarOrigin>();
  const push = (s: string, from?: VarOrigin) => {
    lines.push(s);
    if (from) map.set(lines.length, from);
  };
  const groups = new Map<string, Map<string, FoundTarget[]>>();
  for (const t of imp.targets) {
    const h = t.hosts ?? '';
    if (!groups.has(h)) groups.set(h, new Map());
    const g = groups.get(h)!;
    g.set(t.key, [...(g.get(t.key) ?? []), t]);
  }
  const emit = (targets: Map<string, FoundTarget[]>, indent: string) => {
    for (const [key, all] of targets) {
      const t = all[all.length - 1]!;
      push(`${indent}# from ${where(t.from)} (${t.via})`);
      for (const older of all.slice(0, -1))
        push(`${indent}# (replaces ${yamlValue(older.value)} from ${where(older.from)})`);
      push(`${indent}${yamlKey(key)}: ${yamlValue(t.value)}`, t.from);
    }
  };
  push(`# Imported by \`sysfleet playbook import\` from ${opts.sources.join(', ')}.`);
  push('# Review it: check mode (`sysfleet check`) shows what it would change.');
  push(`name: ${JSON.stringify(opts.name)}`);
  push(`why: ${JSON.stringify(`Targets imported from ${opts.sources.join(', ')}.`)}`);
  push(`persist: ${JSON.stringify(opts.persist ?? imp.persist ?? '60-imported')}`);
  const everyone = groups.get('') ?? new Map<string, FoundTarget[]>();
  if (everyone.size === 0) push('targets: {}');
  else {
    push('targets:');
    emit(everyone, '  ');
  }
  const overrides = [...groups].filter(([h]) => h !== '');
  if (overrides.length > 0) {
    push('overrides:');
    for (const [hosts, targets] of overrides) {
      push(`  - hosts: ${JSON.stringify(hosts)}`);
      push('    targets:');
      emit(targets, '      ');
    }
  }
  if (imp.skipped.length > 0) {
    push('');
    push('# Not carried over:');
    for (const s of imp.skipped)
      push(`# - ${where(s.from)}: ${s.what.replace(/\n/g, ' ')}: ${s.why}`);
  }
  return { text: `${lines.join('\n')}\n`, lines: map };
}
