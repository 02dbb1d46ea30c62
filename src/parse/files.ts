/**
 * The readers' file-system edge: the few reads the loaders need, and the JSON schemas shipped in
 * ../../schemas (the same files editors use through `$schema`). Both `src/parse` (tests) and
 * `dist/parse` (built) sit two levels below the package root, so one relative URL serves both.
 */
import { readFileSync } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';

const schemaCache = new Map<string, unknown>();

/** Parsed `schemas/<name>`; read once per process. */
export function bundledSchema(
  name: 'playbook.schema.json' | 'inventory-vars.schema.json',
): unknown {
  let s = schemaCache.get(name);
  if (s === undefined) {
    s = JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8'));
    schemaCache.set(name, s);
  }
  return s;
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** 'file' | 'dir' | 'missing' (other kinds count as files). */
export async function pathKind(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const st = await stat(path);
    return st.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Entry names of a directory, sorted; empty when it does not exist. */
export async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch {
    return [];
  }
}
