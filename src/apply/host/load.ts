/**
 * The host programs' shell files (src/apply/host/*.sh), read once and cached. Each file starts
 * with a comment header for the reader, ended by the HEADER_END line; only what follows it is
 * sent to hosts (the header would be bytes on every host of every run). The build copies the
 * files beside this module into dist/ (scripts/copy-assets.mjs); from a dist/ without them the
 * source tree's copies are read. Nothing is read at import time.
 */
import { readAssetSync } from '../../parse/files.js';
import { stripShellComments } from '../../parse/shell-strip.js';

export type HostFile =
  | 'lib.sh'
  | 'apply.sh'
  | 'rollback.sh'
  | 'runner.sh'
  | 'prune.sh'
  | 'collect.sh'
  | 'list-snapshots.sh'
  | 'read-snapshot.sh';

export const HEADER_END =
  '# ---- sent to hosts from the next line on (load.ts drops this header) ----\n';

const cache = new Map<HostFile, string>();

/** What a host file sends: its text after the header. */
export function hostCode(text: string, name = 'host file'): string {
  const at = text.indexOf(HEADER_END);
  if (at < 0) throw new Error(`${name}: no header end line ("${HEADER_END.trim()}")`);
  return text.slice(at + HEADER_END.length);
}

export function hostFile(name: HostFile): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const text = readAssetSync(
    [
      new URL(`./${name}`, import.meta.url),
      new URL(`../../../src/apply/host/${name}`, import.meta.url),
    ],
    name,
  );
  // Comment lines are for the reader of the file, not bytes for every host of every run.
  const code = stripShellComments(hostCode(text, name));
  cache.set(name, code);
  return code;
}
