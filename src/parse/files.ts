/**
 * The readers' file-system edge: the few reads the loaders need, and the JSON schemas shipped in
 * ../../schemas (the same files editors use through `$schema`). Both `src/parse` (tests) and
 * `dist/parse` (built) sit two levels below the package root, so one relative URL serves both.
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  type Stats,
} from 'node:fs';
import { access, open, readdir, stat } from 'node:fs/promises';

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

/** The most sysfleet reads of one input file (inventory, playbook, ssh_config, known_hosts). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** An input file sysfleet refuses to read: not a regular file, or too large. */
export class InputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

function kindOf(st: Stats): string {
  return st.isCharacterDevice()
    ? 'a character device'
    : st.isBlockDevice()
      ? 'a block device'
      : st.isFIFO()
        ? 'a FIFO'
        : st.isSocket()
          ? 'a socket'
          : 'not a file';
}

/** Throws InputFileError unless ST is a regular file within LIMIT bytes. */
function checkInput(path: string, st: Stats, limit: number): void {
  if (!st.isFile()) {
    throw new InputFileError(`${path} is ${kindOf(st)}, not a regular file; refusing to read it`);
  }
  if (st.size > limit) throw tooBig(path, limit);
}

const tooBig = (path: string, limit: number) =>
  new InputFileError(
    `${path} is larger than ${mib(limit)}, the most sysfleet reads of one file; refusing it`,
  );

/** The size of the next read: the rest of the file as stat saw it, plus one to see growth. */
const chunkSize = (size: number, got: number) =>
  Math.min(Math.max(size - got + 1, 64 * 1024), 1024 * 1024);

/**
 * A file's text, refusing what is not a regular file (a device such as /dev/zero, a FIFO, a
 * socket: opened without blocking, checked before any read) and what is over `limit` bytes (also
 * when it grows while being read): the control node never reads without end.
 */
export async function readText(path: string, limit = MAX_INPUT_BYTES): Promise<string> {
  const h = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await h.stat();
    checkInput(path, st, limit);
    const chunks: Buffer[] = [];
    let got = 0;
    for (;;) {
      const chunk = Buffer.alloc(chunkSize(st.size, got));
      const { bytesRead } = await h.read(chunk, 0, chunk.length, got);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > limit) throw tooBig(path, limit);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await h.close();
  }
}

/**
 * A file the package ships beside a module (the build copies the .sh files of src/ next to their
 * compiled modules, scripts/copy-assets.mjs): the first of `candidates` that exists, typically
 * the copy beside the module and then the source tree's (a dist/ built without the copies).
 */
export function readAssetSync(candidates: readonly URL[], name: string): string {
  const found = candidates.find((u) => existsSync(u));
  if (!found) {
    const looked = candidates.map((u) => u.pathname).join(', ');
    throw new Error(`${name} not found (looked at ${looked})`);
  }
  return readFileSync(found, 'utf8');
}

/** readText for synchronous callers (the ssh_config loader): the same refusals. */
export function readTextSync(path: string, limit = MAX_INPUT_BYTES): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    checkInput(path, st, limit);
    const chunks: Buffer[] = [];
    let got = 0;
    for (;;) {
      const chunk = Buffer.alloc(chunkSize(st.size, got));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, got);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > limit) throw tooBig(path, limit);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
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
