/**
 * loadInventory: the edge that reads inventory sources (files, directories, executable scripts,
 * ad-hoc `h1,h2,` lists) and their group_vars/ and host_vars/, then hands text to the pure
 * parsers. Every error of every source is collected and thrown as one `ModelErrors`.
 */
import { dirname, join, resolve } from 'node:path';
import { throwIfAny, type ModelError } from '../parse/errors.js';
import {
  bundledSchema,
  InputFileError,
  isExecutable,
  listDir,
  MAX_INPUT_BYTES,
  pathKind,
  readText,
} from '../parse/files.js';
import { runInventoryScript, type ScriptLimits } from './load-script.js';
import { hostNameProblem, splitHostPort } from './host-range.js';
import {
  addHost,
  finalize,
  InventoryStructureError,
  newInventoryData,
  noteTemplates,
  reconcile,
  setHostVars,
  type InventoryData,
  type VarFiles,
} from './inventory-data.js';
import { parseIniInventory } from './inventory-ini.js';
import { parseTomlInventory } from './inventory-toml.js';
import { isListFormat, parseListInventory } from './inventory-json.js';
import {
  formatOf,
  ignoredInDirectory,
  isHostList,
  safeVarsName,
  VARS_EXTENSIONS,
} from './inventory-source.js';
import { parseYamlInventory } from './inventory-yaml.js';
import { schemaErrors } from '../parse/schema-check.js';
import type { Inventory } from './types.js';
import type { Vars } from './var-merge.js';
import { parseYaml, posAt, toPlain } from '../parse/yaml-pos.js';
import { skipTemplated } from './vars-schema.js';

/** As Ansible's script plugin has none: 30 s per run and the cap of every other input. */
const SCRIPT_LIMITS: ScriptLimits = { timeoutMs: 30_000, maxBytes: MAX_INPUT_BYTES };
const MAX_DIR_DEPTH = 8;

export interface LoadInventoryOptions {
  /** Accepted for symmetry with the CLI; ssh_config is read by loadSshConfig. */
  sshConfigPath?: string;
  /** Base for relative sources (default: process.cwd()). */
  cwd?: string;
  /** Bounds of each inventory script run (default: 30 s, 64 MiB of output). */
  scriptLimits?: Partial<ScriptLimits>;
}

/**
 * Reads every source (merged in order, as several `-i` are in Ansible) and returns the inventory
 * with Ansible-merged variables. Throws ModelErrors listing every problem found.
 */
export async function loadInventory(
  sources: string[],
  opts: LoadInventoryOptions = {},
): Promise<Inventory> {
  const cwd = opts.cwd ?? process.cwd();
  const limits = { ...SCRIPT_LIMITS, ...opts.scriptLimits };
  const data = newInventoryData();
  const errors: ModelError[] = [];
  const varDirs: string[] = [];
  for (const source of sources) {
    const path = resolve(cwd, source);
    const kind = await pathKind(path);
    if (kind === 'missing' && isHostList(source)) {
      errors.push(...parseHostList(source, data));
      continue;
    }
    if (kind === 'missing') {
      errors.push({
        file: source,
        line: 0,
        col: 0,
        message: 'inventory source not found',
        hint: 'give a file, a directory, a script or a comma-separated host list like "h1,h2,"',
      });
      continue;
    }
    if (kind === 'dir') {
      await readDirectory(path, source, data, errors, limits, 0);
      varDirs.push(path);
    } else {
      await readFileSource(path, source, data, errors, limits);
      varDirs.push(dirname(path));
    }
  }
  try {
    reconcile(data);
  } catch (e) {
    if (e instanceof InventoryStructureError)
      errors.push({ file: sources.join(','), line: 0, col: 0, message: e.message });
    else throw e;
  }
  throwIfAny(errors);
  const files = await readVarFiles(varDirs, data, errors);
  throwIfAny(errors);
  return finalize(data, sources, files);
}

function parseHostList(source: string, data: InventoryData): ModelError[] {
  const errors: ModelError[] = [];
  for (const raw of source.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const { host, port } = splitHostPort(item);
    const bad = hostNameProblem(host);
    if (bad) {
      errors.push({ file: source, line: 0, col: 0, message: bad });
      continue;
    }
    addHost(data, host, 'ungrouped', port);
  }
  return errors;
}

async function readDirectory(
  dir: string,
  shown: string,
  data: InventoryData,
  errors: ModelError[],
  limits: ScriptLimits,
  depth: number,
): Promise<void> {
  if (depth > MAX_DIR_DEPTH) return;
  for (const name of await listDir(dir)) {
    if (ignoredInDirectory(name)) continue;
    const full = join(dir, name);
    const shownChild = join(shown, name);
    const kind = await pathKind(full);
    if (kind === 'dir') await readDirectory(full, shownChild, data, errors, limits, depth + 1);
    else if (kind === 'file') await readFileSource(full, shownChild, data, errors, limits);
  }
}

/** readText, or undefined with the refusal (not a regular file, too large) as a model error. */
async function readSource(
  path: string,
  shown: string,
  errors: ModelError[],
): Promise<string | undefined> {
  try {
    return await readText(path);
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    errors.push({
      file: shown,
      line: 0,
      col: 0,
      message: e.message,
      hint: 'give an inventory file, a directory or a script',
    });
    return undefined;
  }
}

async function readFileSource(
  path: string,
  shown: string,
  data: InventoryData,
  errors: ModelError[],
  limits: ScriptLimits,
): Promise<void> {
  const format = formatOf(path);
  if (format === 'ini' && (await isExecutable(path))) {
    const scriptErrors = await readScript(path, shown, data, limits);
    if (scriptErrors.length === 0) return;
    // As Ansible: an executable that is not an inventory script may still be a static INI file
    // (an exec bit from a checkout). Use it as INI only when it parses cleanly as INI.
    const text = await readSource(path, shown, errors);
    if (text === undefined) return;
    if (parseIniInventory(text, shown, newInventoryData()).length === 0) {
      errors.push(...parseIniInventory(text, shown, data));
    } else errors.push(...scriptErrors);
    return;
  }
  const text = await readSource(path, shown, errors);
  if (text === undefined) return;
  if (format === 'ini') {
    errors.push(...parseIniInventory(text, shown, data));
    return;
  }
  if (format === 'toml') {
    errors.push(...parseTomlInventory(text, shown, data));
    return;
  }
  if (format === 'json') {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      errors.push({
        file: shown,
        line: 0,
        col: 0,
        message: `invalid JSON: ${(e as Error).message}`,
      });
      return;
    }
    if (isListFormat(doc)) {
      errors.push(...parseListInventory(doc, shown, data).errors);
      return;
    }
  }
  errors.push(...parseYamlInventory(parseYaml(text, shown, '1.1'), data));
}

/** Runs an inventory script with `--list` (and `--host H` per host when it prints no `_meta`). */
async function readScript(
  path: string,
  shown: string,
  data: InventoryData,
  limits: ScriptLimits,
): Promise<ModelError[]> {
  const exec = async (args: string[]): Promise<unknown> =>
    JSON.parse(await runInventoryScript(path, args, limits)) as unknown;
  try {
    const parsed = parseListInventory(await exec(['--list']), shown, data);
    if (parsed.errors.length > 0 || parsed.hasMeta) return parsed.errors;
    for (const h of parsed.hosts) {
      const vars = await exec(['--host', h]);
      if (typeof vars === 'object' && vars !== null && !Array.isArray(vars))
        setHostVars(data, h, vars as Vars);
      else
        return [
          { file: shown, line: 0, col: 0, message: `"--host ${h}" must print a JSON object` },
        ];
    }
    return [];
  } catch (e) {
    return [
      {
        file: shown,
        line: 0,
        col: 0,
        message: `inventory script failed: ${(e as Error).message.split('\n')[0]}`,
      },
    ];
  }
}

/** Files Ansible's host_group_vars plugin reads for `name` under `base` (first match only). */
async function varsFilesFor(base: string, name: string, entries: Set<string>): Promise<string[]> {
  for (const ext of VARS_EXTENSIONS) {
    if (!entries.has(name + ext)) continue;
    const full = join(base, name + ext);
    return (await pathKind(full)) === 'dir' ? dirVarsFiles(full, 0) : [full];
  }
  return [];
}

async function dirVarsFiles(dir: string, depth: number): Promise<string[]> {
  if (depth > MAX_DIR_DEPTH) return [];
  const out: string[] = [];
  for (const name of await listDir(dir)) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    if ((await pathKind(full)) === 'dir') out.push(...(await dirVarsFiles(full, depth + 1)));
    else if (VARS_EXTENSIONS.some((e) => (e === '' ? !/\.[^/]*$/.test(name) : name.endsWith(e))))
      out.push(full);
  }
  return out;
}

async function readVarsFile(
  path: string,
  errors: ModelError[],
  data: InventoryData,
): Promise<Vars> {
  const text = await readSource(path, path, errors);
  if (text === undefined) return {};
  const y = parseYaml(text, path, '1.1');
  if (y.errors.length > 0) {
    errors.push(...y.errors);
    return {};
  }
  const plain = toPlain(y);
  if ('error' in plain) {
    errors.push(plain.error);
    return {};
  }
  const v: unknown = plain.value;
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    errors.push({
      file: path,
      line: 1,
      col: 1,
      message: 'a vars file must be a mapping of variable names to values',
    });
    return {};
  }
  errors.push(
    ...schemaErrors(y, v, bundledSchema('inventory-vars.schema.json'), [], skipTemplated(v)),
  );
  noteTemplates(data, v, (p) => ({ file: path, ...posAt(y, p) }));
  return v as Vars;
}

async function readVarFiles(
  dirs: string[],
  data: InventoryData,
  errors: ModelError[],
): Promise<VarFiles> {
  const files: VarFiles = { groupFiles: [], hostFiles: [] };
  for (const dir of dirs) {
    const perKind = async (sub: string, names: Iterable<string>): Promise<Record<string, Vars>> => {
      const base = join(dir, sub);
      const entries = new Set(await listDir(base));
      const out: Record<string, Vars> = {};
      if (entries.size === 0) return out;
      for (const name of names) {
        if (!safeVarsName(name)) continue;
        const paths = await varsFilesFor(base, name, entries);
        if (paths.length === 0) continue;
        const merged: Vars = {};
        for (const p of paths) Object.assign(merged, await readVarsFile(p, errors, data));
        out[name] = merged;
      }
      return out;
    };
    files.groupFiles.push(await perKind('group_vars', data.groups.keys()));
    files.hostFiles.push(await perKind('host_vars', data.hosts.keys()));
  }
  return files;
}
