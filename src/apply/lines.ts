/**
 * The host programs' output protocol: `@@sf<TAB>kind<TAB>name=value<TAB>...` per line.
 * Anything else (stderr noise merged in, shell warnings) is kept aside for diagnostics.
 */
export interface SfRecord {
  kind: string;
  fields: Record<string, string>;
}

export interface ParsedOutput {
  records: SfRecord[];
  /** Non-empty lines that are not protocol records. */
  other: string[];
}

export function parseRecords(text: string): ParsedOutput {
  const records: SfRecord[] = [];
  const other: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.startsWith('@@sf\t')) {
      if (line.trim() !== '') other.push(line);
      continue;
    }
    const [, kind, ...parts] = line.split('\t');
    if (!kind) {
      other.push(line);
      continue;
    }
    const fields: Record<string, string> = {};
    for (const part of parts) {
      const eq = part.indexOf('=');
      if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
    }
    records.push({ kind, fields });
  }
  return { records, other };
}

/** Integer field or undefined. */
export function intField(r: SfRecord, name: string): number | undefined {
  const v = r.fields[name];
  if (v === undefined || !/^-?[0-9]+$/.test(v)) return undefined;
  return Number(v);
}
