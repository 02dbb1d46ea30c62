/**
 * The comment lines of a POSIX shell program, dropped before it is sent to hosts: they are for
 * the reader of the .sh file, and were 42% of the gather script's bytes on every host of every
 * run. Only whole lines that are a comment (or blank) go, and only where the shell would read
 * them as such: never inside a quoted string that spans lines, and never inside a here-document.
 * Everything else is kept byte for byte, so line-oriented code still reads what it wrote. Pure.
 */

type State =
  | { in: 'code' }
  | { in: 'single' }
  | { in: 'double' }
  | { in: 'heredoc'; end: string; tabs: boolean; queue: HereDoc[] };

interface HereDoc {
  end: string;
  tabs: boolean;
}

const HEREDOC = /<<(-?)\s*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][A-Za-z0-9_]*))/g;

/** Scan one line from a quote state; returns the state at its end and the here-documents it opened. */
function scanLine(
  line: string,
  from: 'code' | 'single' | 'double',
): { state: 'code' | 'single' | 'double'; opened: HereDoc[] } {
  let st = from;
  // code[j]: the character at j is unquoted code (not in a string, not in a comment)
  const code: boolean[] = [];
  let j = 0;
  for (; j < line.length; j++) {
    const c = line[j]!;
    code[j] = st === 'code';
    if (st === 'code') {
      if (c === '#' && (j === 0 || ' \t;&|()'.includes(line[j - 1]!))) break;
      if (c === '\\') {
        j++;
        continue;
      }
      if (c === "'") st = 'single';
      else if (c === '"') st = 'double';
    } else if (st === 'single') {
      if (c === "'") st = 'code';
    } else if (c === '\\') j++;
    else if (c === '"') st = 'code';
  }
  const opened: HereDoc[] = [];
  for (const m of line.slice(0, j).matchAll(HEREDOC)) {
    if (!code[m.index]) continue;
    opened.push({ end: m[2] ?? m[3] ?? m[4]!, tabs: m[1] === '-' });
  }
  return { state: st, opened };
}

export function stripShellComments(text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const out: string[] = [];
  let state: State = { in: 'code' };
  for (const line of body.split('\n')) {
    if (state.in === 'heredoc') {
      out.push(line);
      const probe = state.tabs ? line.replace(/^\t+/, '') : line;
      if (probe === state.end) {
        const queue: HereDoc[] = state.queue;
        const next = queue[0];
        state = next ? { in: 'heredoc', ...next, queue: queue.slice(1) } : { in: 'code' };
      }
      continue;
    }
    if (state.in === 'code' && /^\s*(#.*)?$/.test(line)) continue;
    const { state: after, opened } = scanLine(line, state.in);
    out.push(line);
    const [first, ...rest] = opened;
    state = first ? { in: 'heredoc', ...first, queue: rest } : { in: after };
  }
  const kept = out.join('\n');
  return kept && body !== text ? `${kept}\n` : kept;
}
