/** Reading and writing a lab's state.json, and finding labs on this machine. */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { LAB_ROOT } from './names.js';
import type { LabState } from './types.js';

export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}

export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabError(
      'the lab needs root (network and mount namespaces, sshd): run it as root, e.g. with sudo',
    );
  }
}

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

export function writeState(state: LabState): void {
  const path = statePath(state.dir);
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function readState(dir: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** Lab names that have a state dir under `root`. */
export function labDirs(root = LAB_ROOT): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
}

/** The owner recorded when the lab dir was made (before anything else), if any. */
export function labOwner(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'owner'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Who makes a lab: the option, else $SYSFLEET_LAB_OWNER, else `cli`. */
export function ownerOf(owner: string | undefined): string {
  return owner ?? process.env['SYSFLEET_LAB_OWNER'] ?? 'cli';
}

/**
 * Make a new lab dir (0700) with its owner file first (so teardown can find a half-built lab),
 * build in it, and undo everything when building fails.
 */
export async function buildInNewLabDir<T>(
  dir: string,
  owner: string,
  build: () => Promise<T>,
  undo: () => Promise<void>,
): Promise<T> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'owner'), owner);
  try {
    return await build();
  } catch (err) {
    await undo().catch(() => undefined);
    throw err;
  }
}
