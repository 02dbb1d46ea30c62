/**
 * The thin edge of `sysfleet playbook import`: reads each input (an Ansible playbook or task
 * file, a role directory, a sysctl.d `.conf`, a TuneD profile directory or `tuned.conf`),
 * hands the text to the pure importers, renders one playbook and validates it with the
 * playbook parser, so what it writes is a playbook `sysfleet check` accepts. An error in the
 * rendered playbook (a refused value, a bad key) is shown at the input's file:line.
 */
import { basename, dirname, join } from 'node:path';
import { ModelErrors, type ModelError } from '../../parse/errors.js';
import { pathKind, readText } from '../../parse/files.js';
import { parseYaml } from '../../parse/yaml-pos.js';
import { parsePlaybook } from '../playbook.js';
import type { Playbook } from '../types.js';
import { importAnsible, playRoles, type AnsibleSource } from './ansible-tasks.js';
import { renderPlaybook, type RenderedPlaybook } from './render.js';
import { importSysctlConf } from './sysctl-conf.js';
import { parseTunedProfile } from './tuned.js';
import type { Imported } from './types.js';

const MAX_INCLUDES = 16;

function merge(into: Imported, more: Imported): void {
  into.targets.push(...more.targets);
  into.skipped.push(...more.skipped);
  into.persist ??= more.persist;
}

async function readYamlVars(path: string): Promise<Record<string, unknown>> {
  if ((await pathKind(path)) !== 'file') return {};
  const y = parseYaml(await readText(path), path, '1.1');
  const v: unknown = y.errors.length ? {} : y.doc.toJS({ maxAliasCount: 100 });
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

async function importRole(dir: string, hosts?: string): Promise<Imported> {
  const vars = {
    ...(await readYamlVars(join(dir, 'defaults', 'main.yml'))),
    ...(await readYamlVars(join(dir, 'vars', 'main.yml'))),
  };
  const tasks = join(dir, 'tasks', 'main.yml');
  return importAnsible([
    { y: parseYaml(await readText(tasks), tasks, '1.1'), vars, ...(hosts ? { hosts } : {}) },
  ]);
}

/** A TuneD profile with its includes (read first), looked up beside the profile's directory. */
async function importTuned(file: string, seen: Set<string> = new Set()): Promise<Imported> {
  const out: Imported = { targets: [], skipped: [] };
  if (seen.has(file) || seen.size > MAX_INCLUDES) return out;
  seen.add(file);
  const profile = parseTunedProfile(await readText(file), file);
  for (const { name, line } of profile.includes) {
    const inc = join(dirname(dirname(file)), name, 'tuned.conf');
    if ((await pathKind(inc)) === 'file') merge(out, await importTuned(inc, seen));
    else
      out.skipped.push({
        from: { file, line, col: 1 },
        what: `include=${name}`,
        why: `profile "${name}" is not beside this one (${inc}); TuneD's own profiles live on each machine — import that profile's tuned.conf too`,
      });
  }
  merge(out, profile.imported);
  return out;
}

/** Reads every input, in order; throws ModelErrors for an input it cannot read. */
export async function importFiles(paths: readonly string[]): Promise<Imported> {
  const out: Imported = { targets: [], skipped: [] };
  const errors: ModelError[] = [];
  for (const p of paths) {
    const kind = await pathKind(p);
    const bad = (message: string, hint?: string) =>
      errors.push({ file: p, line: 0, col: 0, message, ...(hint ? { hint } : {}) });
    if (kind === 'missing') bad('not found');
    else if (kind === 'dir') {
      if ((await pathKind(join(p, 'tasks', 'main.yml'))) === 'file')
        merge(out, await importRole(p));
      else if ((await pathKind(join(p, 'tuned.conf'))) === 'file')
        merge(out, await importTuned(join(p, 'tuned.conf')));
      else
        bad(
          'a directory that is neither an Ansible role (tasks/main.yml) nor a TuneD profile (tuned.conf)',
        );
    } else if (basename(p) === 'tuned.conf') merge(out, await importTuned(p));
    else if (/\.conf$/.test(p)) merge(out, importSysctlConf(await readText(p), p));
    else if (/\.ya?ml$/.test(p)) {
      // A play's roles run before its tasks; those in roles/ beside the playbook are read.
      const y = parseYaml(await readText(p), p, '1.1');
      const rolesRead = new Set<string>();
      for (const r of playRoles(y)) {
        const dir = join(dirname(p), 'roles', r.name);
        if ((await pathKind(join(dir, 'tasks', 'main.yml'))) !== 'file') continue;
        merge(out, await importRole(dir, r.hosts));
        rolesRead.add(r.name);
      }
      const src: AnsibleSource = { y, rolesRead };
      merge(out, importAnsible([src]));
    } else
      bad(
        'cannot tell what this is',
        'give an Ansible playbook/task file (.yml), a role or TuneD profile directory, a sysctl .conf or a tuned.conf',
      );
  }
  if (errors.length) throw new ModelErrors(errors);
  return out;
}

export interface ImportResult {
  rendered: RenderedPlaybook;
  playbook: Playbook;
}

/** Imports, renders and validates; errors point at the input line each target came from. */
export async function importPlaybook(
  paths: readonly string[],
  opts: { name?: string; persist?: string; shownAs?: string } = {},
): Promise<ImportResult> {
  const imported = await importFiles(paths);
  const first = basename(paths[0] ?? 'imported').replace(/\.(ya?ml|conf)$/, '');
  const rendered = renderPlaybook(imported, {
    name: opts.name ?? (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(first) ? first : 'imported'),
    sources: [...paths],
    ...(opts.persist ? { persist: opts.persist } : {}),
  });
  const shown = opts.shownAs ?? '(imported playbook)';
  try {
    return { rendered, playbook: parsePlaybook(rendered.text, shown) };
  } catch (e) {
    if (!(e instanceof ModelErrors)) throw e;
    throw new ModelErrors(
      e.errors.map((err) => {
        const from = rendered.lines.get(err.line);
        return from ? { ...err, ...from } : err;
      }),
    );
  }
}
