/**
 * Python's `shlex.split(line, comments=True)` (POSIX mode), which Ansible's INI parser uses for
 * host lines: whitespace splits, '...' is literal, "..." allows \" and \\ escapes, a backslash
 * outside quotes escapes the next character, `#` outside quotes starts a comment.
 */
export class ShlexError extends Error {}

export function shlexSplit(line: string): string[] {
  const out: string[] = [];
  let tok = '';
  let inTok = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '#') break;
    if (/\s/.test(c)) {
      if (inTok) out.push(tok);
      tok = '';
      inTok = false;
      i++;
      continue;
    }
    inTok = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new ShlexError('no closing quotation');
      tok += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new ShlexError('no closing quotation');
        const d = line[i]!;
        if (d === '"') break;
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          tok += line[i + 1];
          i += 2;
          continue;
        }
        tok += d;
        i++;
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('no escaped character');
      tok += line[i + 1];
      i += 2;
    } else {
      tok += c;
      i++;
    }
  }
  if (inTok) out.push(tok);
  return out;
}
