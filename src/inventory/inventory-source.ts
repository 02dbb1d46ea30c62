/**
 * Which files Ansible reads as inventory, and with which parser (pure rules; the loader applies
 * them). In a directory source, entries matching Ansible's IGNORED_ALWAYS names or
 * INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig, .ini, .cfg, .retry) are skipped: yes, a `*.ini`
 * file inside an inventory directory is ignored by Ansible 2.14, and so by sysfleet.
 */

const IGNORED_NAMES = [/^\./, /^host_vars$/, /^group_vars$/, /^vars_plugins$/];
export const INVENTORY_IGNORE_EXTS = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.ini',
  '.cfg',
  '.retry',
];

/** True when Ansible skips `name` inside an inventory directory. */
export function ignoredInDirectory(name: string): boolean {
  return (
    IGNORED_NAMES.some((re) => re.test(name)) || INVENTORY_IGNORE_EXTS.some((e) => name.endsWith(e))
  );
}

export type SourceFormat = 'yaml' | 'json' | 'toml' | 'ini';

/** Parser for a static file, by extension, in the order Ansible's plugins try them. */
export function formatOf(path: string): SourceFormat {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.toml$/.test(path)) return 'toml';
  return 'ini';
}

/** An ad-hoc host list (`-i 'h1,h2,'`): contains a comma and is not an existing path. */
export function isHostList(source: string): boolean {
  return source.includes(',');
}

/** Ansible's vars file candidates for an entity: `name`, `name.yml`, `name.yaml`, `name.json`. */
export const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/** True for a group or host name that is safe to look up as a file name under *_vars/. */
export function safeVarsName(name: string): boolean {
  return name !== '' && !name.includes('/') && !name.startsWith('.') && !name.includes('\0');
}
