/**
 * Reads an ssh_config file (default ~/.ssh/config; missing = empty) with its `Include`s expanded
 * in place (globs in the last path components, relative paths under ~/.ssh as OpenSSH does for
 * user configs), then parses it (ssh-config.ts, pure).
 */
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { ModelErrors } from './errors.js';
import { InputFileError, listDir, pathKind, readText } from './files.js';

/** ssh_config files are small: anything larger is not one. */
const MAX_SSH_CONFIG_BYTES = 4 * 1024 * 1024;
import { parseSshConfig, type SshConfig } from './ssh-config.js';

const MAX_INCLUDE_DEPTH = 16;

function globToRe(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/** Paths matching `pattern` (wildcards allowed in any component), sorted. */
async function expandGlob(pattern: string): Promise<string[]> {
  if (!/[*?[]/.test(pattern)) return (await pathKind(pattern)) === 'file' ? [pattern] : [];
  const parentPattern = dirname(pattern);
  const parents = /[*?[]/.test(parentPattern) ? await expandGlob(parentPattern) : [parentPattern];
  const re = globToRe(basename(pattern));
  const out: string[] = [];
  for (const p of parents) {
    for (const name of await listDir(p)) {
      if (!name.startsWith('.') && re.test(name) && (await pathKind(join(p, name))) === 'file')
        out.push(join(p, name));
    }
  }
  return out.sort();
}

async function expandIncludes(
  text: string,
  sshDir: string,
  home: string,
  files: string[],
  depth: number,
): Promise<string> {
  if (depth > MAX_INCLUDE_DEPTH) return '';
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/i.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    for (const raw of m[1]!.split(/\s+/)) {
      const p = raw.replace(/^"|"$/g, '');
      const abs = p.startsWith('~/') ? join(home, p.slice(2)) : isAbsolute(p) ? p : join(sshDir, p);
      for (const f of await expandGlob(abs)) {
        files.push(f);
        out.push(await expandIncludes(await readConfig(f), sshDir, home, files, depth + 1));
      }
    }
  }
  return out.join('\n');
}

/** An ssh_config file's text; a device, FIFO or oversized file is refused with its name. */
async function readConfig(file: string): Promise<string> {
  try {
    return await readText(file, MAX_SSH_CONFIG_BYTES);
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    throw new ModelErrors([{ file, line: 0, col: 0, message: e.message }]);
  }
}

/** Loads `path` (default ~/.ssh/config). A missing file yields an empty config. */
export async function loadSshConfig(
  path?: string,
  opts: { home?: string; localUser?: string } = {},
): Promise<SshConfig> {
  const home = opts.home ?? homedir();
  const localUser = opts.localUser ?? process.env['USER'] ?? userInfo().username;
  const file = path ?? join(home, '.ssh', 'config');
  const files: string[] = [];
  let text = '';
  if ((await pathKind(file)) === 'file') {
    files.push(file);
    // Relative Includes are under ~/.ssh for the user's config; for another file, beside it.
    const sshDir = path === undefined ? join(home, '.ssh') : dirname(file);
    text = await expandIncludes(await readConfig(file), sshDir, home, files, 0);
  }
  return parseSshConfig(text, home, localUser, files);
}
