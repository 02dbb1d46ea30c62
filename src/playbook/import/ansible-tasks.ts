/**
 * `ansible.posix.sysctl` tasks in Ansible playbooks, task files and roles → sysctl targets.
 * Reads plays (`hosts:` becomes the hosts a target is for), tasks in blocks, `loop`/`with_dict`/
 * `with_items` over literal lists or dicts (also through play/role vars and `dict2items`),
 * templated `name`/`value` through the same safe template subset as inventories, and `when`
 * conditions on groups (`'db' in group_names`, `inventory_hostname in groups['db']`, their
 * `not` forms, lists of them). Anything else (`state: absent`, conditions on facts, values only
 * known on the host) is reported as not carried over, with why. Pure given the parsed files.
 */
import { renderTemplate, UNDEFINED, type Scope } from '../../inventory/template/evaluate.js';
import { isTemplated, TemplateError } from '../../inventory/template/parse.js';
import type { VarOrigin } from '../../inventory/types.js';
import { posAt, type ParsedYaml } from '../../parse/yaml-pos.js';
import { normalizeKey } from '../../sysctl/key.js';
import { persistNameOf, type Imported } from './types.js';

const MODULES = ['ansible.posix.sysctl', 'sysctl'];
const BLOCK_KEYS = ['block', 'rescue', 'always'];
const MAX_DEPTH = 16;
const MAX_ITEMS = 10_000;

type Vars = Record<string, unknown>;
type Path = (string | number)[];

export interface AnsibleSource {
  y: ParsedYaml;
  /** Role defaults and vars, when the file is a role's tasks/main.yml. */
  vars?: Vars;
  /** The hosts the tasks run on (a role from a play); default every host. */
  hosts?: string;
  /** Roles of its plays that the caller imports itself (from roles/NAME beside the playbook). */
  rolesRead?: ReadonlySet<string>;
}

/** The roles of a playbook's plays, with each play's hosts (for the loader to read). */
export function playRoles(y: ParsedYaml): { name: string; hosts?: string }[] {
  const root: unknown = y.errors.length ? [] : y.doc.toJS({ maxAliasCount: 100 });
  if (!Array.isArray(root)) return [];
  return root.filter(isMap).flatMap((play) => {
    const hosts = playHosts(play['hosts']);
    const roles = Array.isArray(play['roles']) ? play['roles'] : [];
    return roles
      .map((r) => (typeof r === 'string' ? r : isMap(r) ? (r['role'] ?? r['name']) : undefined))
      .filter((n): n is string => typeof n === 'string')
      .map((name) => ({ name, ...(hosts ? { hosts } : {}) }));
  });
}

function isMap(v: unknown): v is Vars {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scopeOf(vars: Vars): Scope {
  return {
    get: (n) => (Object.prototype.hasOwnProperty.call(vars, n) ? vars[n] : UNDEFINED),
    env: {},
  };
}

/** Renders `v` when templated; throws TemplateError naming what is not known here. */
function render(v: unknown, vars: Vars): unknown {
  if (!isTemplated(v)) return v;
  return renderTemplate(v, scopeOf(vars));
}

const IN_GROUP_NAMES = /^['"]([^'"]+)['"]\s+(not\s+)?in\s+group_names$/;
const IN_GROUPS = /^inventory_hostname\s+(not\s+)?in\s+groups(?:\[['"]([^'"]+)['"]\]|\.(\w+))$/;

/** `when` → an Ansible host pattern, or undefined when it is not a condition on groups. */
export function whenToHosts(when: unknown): string | undefined {
  const parts: string[] = [];
  for (const c of Array.isArray(when) ? when : [when]) {
    if (typeof c !== 'string') return undefined;
    const s = c.trim().replace(/^\{\{\s*|\s*\}\}$/g, '');
    const a = IN_GROUP_NAMES.exec(s);
    const b = IN_GROUPS.exec(s);
    if (a) parts.push(`${a[2] ? '!' : ''}${a[1]}`);
    else if (b) parts.push(`${b[1] ? '!' : ''}${b[2] ?? b[3]}`);
    else return undefined;
  }
  const pattern = parts.join(':&').replace(/:&!/g, ':!');
  return pattern.startsWith('!') ? `all:${pattern}` : pattern;
}

/** Ansible's `hosts:` of a play as one pattern (`all` means every host: undefined). */
function playHosts(h: unknown): string | undefined {
  const s = Array.isArray(h) ? h.map(String).join(':') : typeof h === 'string' ? h.trim() : '';
  return s === '' || s === 'all' || s === '*' ? undefined : s;
}

function andHosts(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return `${a}:&${b}`.replace(/:&!/g, ':!');
}

/** `name=x value=y` (the k=v argument form) → a mapping. */
function kvArgs(s: string): Vars {
  const out: Vars = {};
  for (const m of s.matchAll(/(\w+)=("[^"]*"|'[^']*'|\S+)/g))
    out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  return out;
}

export function importAnsible(sources: readonly AnsibleSource[]): Imported {
  const out: Imported = { targets: [], skipped: [] };
  const files = new Set<string>();
  for (const src of sources) walkFile(src, out, files);
  const persist = files.size === 1 ? persistNameOf([...files][0]!) : undefined;
  if (persist) out.persist = persist;
  return out;
}

function walkFile(src: AnsibleSource, out: Imported, files: Set<string>): void {
  const { y } = src;
  const at = (path: Path): VarOrigin => ({ file: y.file, ...posAt(y, path) });
  if (y.errors.length > 0) {
    for (const e of y.errors) out.skipped.push({ from: e, what: 'the file', why: e.message });
    return;
  }
  const root: unknown = y.doc.toJS({ maxAliasCount: 100 });
  if (!Array.isArray(root)) {
    out.skipped.push({
      from: at([]),
      what: 'the file',
      why: 'not a playbook or task list (a YAML list)',
    });
    return;
  }
  const isPlaybook = root.some((p) => isMap(p) && ('hosts' in p || 'import_playbook' in p));
  const ctx = { y, out, files, at };
  root.forEach((item, i) => {
    if (!isPlaybook) return walkTask(ctx, item, [i], src.vars ?? {}, src.hosts, 0);
    if (!isMap(item)) return;
    const vars: Vars = { ...(src.vars ?? {}), ...(isMap(item['vars']) ? item['vars'] : {}) };
    const hosts = playHosts(item['hosts']);
    for (const section of ['pre_tasks', 'tasks', 'post_tasks', 'handlers']) {
      const list = item[section];
      if (Array.isArray(list))
        list.forEach((t, j) => walkTask(ctx, t, [i, section, j], vars, hosts, 0));
    }
    const unread = (Array.isArray(item['roles']) ? item['roles'] : []).filter(
      (r) => !(typeof r === 'string' && src.rolesRead?.has(r)),
    );
    if (unread.length > 0)
      out.skipped.push({
        from: at([i, 'roles']),
        what: `roles: ${JSON.stringify(unread)}`,
        why: 'not found in roles/ beside the playbook: give each role directory to `sysfleet playbook import` (its tasks and defaults are read from there)',
      });
  });
}

interface Ctx {
  y: ParsedYaml;
  out: Imported;
  files: Set<string>;
  at: (path: Path) => VarOrigin;
}

function walkTask(
  ctx: Ctx,
  task: unknown,
  path: Path,
  vars: Vars,
  hosts: string | undefined,
  depth: number,
): void {
  if (!isMap(task) || depth > MAX_DEPTH) return;
  const taskVars = { ...vars, ...(isMap(task['vars']) ? task['vars'] : {}) };
  let taskHosts = hosts;
  if (task['when'] !== undefined) {
    const w = whenToHosts(task['when']);
    if (w === undefined && (BLOCK_KEYS.some((k) => k in task) || MODULES.some((m) => m in task))) {
      ctx.out.skipped.push({
        from: ctx.at([...path, 'when']),
        what: `when: ${JSON.stringify(task['when'])}`,
        why: 'only conditions on groups become overrides; the task(s) under it are not carried over',
      });
      return;
    }
    taskHosts = andHosts(hosts, w);
  }
  for (const k of BLOCK_KEYS) {
    const list = task[k];
    if (Array.isArray(list))
      list.forEach((t, j) => walkTask(ctx, t, [...path, k, j], taskVars, taskHosts, depth + 1));
  }
  const mod = MODULES.find((m) => m in task);
  if (!mod) return;
  const rawArgs = task[mod];
  const args = typeof rawArgs === 'string' ? kvArgs(rawArgs) : isMap(rawArgs) ? rawArgs : {};
  const items = loopItems(ctx, task, path, taskVars);
  if (items === undefined) return;
  const loopVar =
    isMap(task['loop_control']) && typeof task['loop_control']['loop_var'] === 'string'
      ? task['loop_control']['loop_var']
      : 'item';
  for (const item of items ?? [UNDEFINED]) {
    const scope = item === UNDEFINED ? taskVars : { ...taskVars, [loopVar]: item };
    sysctlTask(ctx, mod, args, [...path, mod], scope, taskHosts);
  }
}

/** The loop's items; null for no loop; undefined (reported) when they are not known here. */
function loopItems(ctx: Ctx, task: Vars, path: Path, vars: Vars): unknown[] | null | undefined {
  const key = ['loop', 'with_items', 'with_dict', 'with_list'].find((k) => k in task);
  if (!key) return null;
  const from = ctx.at([...path, key]);
  let v: unknown;
  try {
    v = render(task[key], vars);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    ctx.out.skipped.push({
      from,
      what: `${key}: ${JSON.stringify(task[key])}`,
      why: `the loop's items are not known from the files imported (${e.message})`,
    });
    return undefined;
  }
  if (key === 'with_dict' || (isMap(v) && key !== 'loop'))
    v = isMap(v) ? Object.entries(v).map(([k, x]) => ({ key: k, value: x })) : v;
  if (!Array.isArray(v)) {
    ctx.out.skipped.push({ from, what: `${key}:`, why: 'the loop is not over a list or dict' });
    return undefined;
  }
  return key === 'with_items' ? v.flat().slice(0, MAX_ITEMS) : v.slice(0, MAX_ITEMS);
}

function sysctlTask(
  ctx: Ctx,
  mod: string,
  args: Vars,
  path: Path,
  vars: Vars,
  hosts: string | undefined,
): void {
  const from = ctx.at(path);
  let name: unknown;
  let value: unknown;
  try {
    name = render(args['name'] ?? args['key'], vars);
    value = render(args['value'] ?? args['val'], vars);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    ctx.out.skipped.push({
      from,
      what: `${mod} name=${String(args['name'])} value=${String(args['value'])}`,
      why: `templated, and not known from the files imported: ${e.message}`,
    });
    return;
  }
  const state = String(args['state'] ?? 'present');
  if (typeof name !== 'string' || name.trim() === '') {
    ctx.out.skipped.push({ from, what: mod, why: 'no name' });
    return;
  }
  if (state === 'absent') {
    ctx.out.skipped.push({
      from,
      what: `${name} state: absent`,
      why: 'removes the line from the sysctl file and leaves the running value; sysfleet targets values',
    });
    return;
  }
  if (value === undefined || value === null || typeof value === 'object') {
    ctx.out.skipped.push({ from, what: name, why: 'no scalar value' });
    return;
  }
  let file: unknown;
  try {
    file = render(args['sysctl_file'], vars);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
  }
  if (typeof file === 'string') ctx.files.add(file);
  const reload = args['reload'];
  if (reload === false || reload === 'no' || reload === 'false')
    ctx.out.skipped.push({
      from,
      what: `${name}: reload: no`,
      why: 'Ansible only writes the file; sysfleet sets the running value too (the target is carried over)',
    });
  const v = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  ctx.out.targets.push({
    key: normalizeKey(name),
    value: v,
    from,
    via: mod,
    ...(hosts ? { hosts } : {}),
  });
}
