/** Framing of the gather output: `@@name` starts a section, every other line is data. */

export const GATHER_HEADER = 'sysfleet-gather 1';

export class GatherParseError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(`${host}: gather output ${message}`);
    this.name = 'GatherParseError';
  }
}

/** Section name -> data lines (a repeated section name appends). Order of first appearance kept. */
export type Sections = Map<string, string[]>;

export function splitSections(host: string, stdout: string): Sections {
  const lines = stdout.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // Login banners or motd may precede the header: everything before it is ignored.
  const first = lines.indexOf(`@@${GATHER_HEADER}`);
  if (first < 0) {
    throw new GatherParseError(
      host,
      `does not start with "@@${GATHER_HEADER}" (wrong shell, sudo prompt, or a login banner on stdout?)`,
    );
  }
  const sections: Sections = new Map();
  let current: string[] | undefined;
  let ended = false;
  for (const line of lines.slice(first + 1)) {
    if (line.startsWith('@@')) {
      const name = line.slice(2).trim();
      if (name === 'end') {
        ended = true;
        break;
      }
      current = sections.get(name) ?? [];
      sections.set(name, current);
    } else if (current) {
      current.push(line);
    }
  }
  if (!ended) throw new GatherParseError(host, 'is truncated (no "@@end" line)');
  return sections;
}

/** `name<TAB>value` lines into a record (first occurrence wins). */
export function tabRecord(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const name = line.slice(0, tab);
    if (!(name in out)) out[name] = line.slice(tab + 1);
  }
  return out;
}

/** A non-negative integer or undefined. */
export function toInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*-?\d+\s*$/.test(text)) return undefined;
  return Number(text.trim());
}
