/**
 * Parser for the `@@files` section: `file<TAB>path<TAB>dir`, then optional `link` (or
 * `link<TAB>/dev/null`), `error<TAB>text`, `truncated<TAB>n`, and `L<TAB>lineno<TAB>text` lines.
 */
import type { SysctlFile } from './types.js';
import { parseSysctlLine } from './parseSysctlLine.js';

export function parseSysctlFiles(lines: readonly string[]): SysctlFile[] {
  const files: SysctlFile[] = [];
  let cur: SysctlFile | undefined;
  for (const line of lines) {
    const parts = line.split('\t');
    const tag = parts[0];
    if (tag === 'file' && parts[1]) {
      const path = parts[1];
      cur = {
        path,
        dir: parts[2] ?? path.slice(0, path.lastIndexOf('/')),
        basename: path.slice(path.lastIndexOf('/') + 1),
        lines: [],
      };
      files.push(cur);
    } else if (!cur) {
      continue;
    } else if (tag === 'link') {
      // `link` or `link<TAB>/dev/null`; older gathers printed every target
      cur.symlink = { devNull: parts.slice(1).join('\t') === '/dev/null' };
    } else if (tag === 'error') {
      cur.error = parts.slice(1).join('\t') || 'not readable';
    } else if (tag === 'truncated') {
      cur.truncated = true;
    } else if (tag === 'L') {
      const n = Number(parts[1]);
      const parsed = parseSysctlLine(parts.slice(2).join('\t'), n);
      if (parsed && Number.isInteger(n)) cur.lines.push(parsed);
    }
  }
  return files;
}
