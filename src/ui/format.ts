/** Small text helpers shared by the screens and the plain printer. */

/** `net.ipv4.tcp_keepalive_time` -> `tcp_keepalive_time`; other namespaces keep their path. */
export function shortKey(key: string): string {
  return key.replace(/^net\.(ipv4|core)\./, '');
}

/** 950 -> "950ms", 12_300 -> "12.3s", 130_000 -> "2m10s", 7_500_000 -> "2h05m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Cut to `width` characters with an ellipsis (the screens never wrap a line). */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/**
 * Word-wrap to `width` columns; continuation lines get `indent` spaces more than the line's own
 * leading blanks (a hanging indent), a word longer than a line is split. For text that must be
 * read whole (errors, commands, what a rollback restores), where truncate would hide the end.
 */
export function wrapLine(text: string, width: number, indent = 2): string[] {
  if (width <= 0) return [text];
  if (text.length <= width) return [text];
  const lead = /^ */.exec(text)![0];
  const pad = ' '.repeat(Math.min(lead.length + indent, Math.max(0, width - 1)));
  const out: string[] = [];
  let line = lead;
  let room = width - lead.length;
  for (const word of text.slice(lead.length).split(/ +/)) {
    let w = word;
    while (w.length > 0) {
      const sep = line.trim() === '' ? '' : ' ';
      if (sep.length + w.length <= room) {
        line += sep + w;
        room -= sep.length + w.length;
        w = '';
      } else if (line.trim() === '') {
        line += w.slice(0, room);
        w = w.slice(room);
        room = 0;
      } else {
        out.push(line);
        line = pad;
        room = width - pad.length;
      }
      if (room <= 0 && w.length > 0) {
        out.push(line);
        line = pad;
        room = width - pad.length;
      }
    }
  }
  if (line.trim() !== '') out.push(line);
  return out;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Buckets in display order with their labels. */
export const BUCKET_LABELS = {
  failed: 'failed',
  unreachable: 'unreachable',
  reverted: 'reverted',
  drift: 'drift',
  changed: 'changed',
  rolled_back: 'rolled back',
  unchanged: 'unchanged',
  compliant: 'compliant',
  skipped: 'skipped',
  in_flight: 'in flight',
  pending: 'pending',
} as const;

/** A key's value change as reported by a host: "7200 → 60", or "75 (not applied)". */
export function formatKeyChange(
  before: string | undefined,
  after: string | undefined,
  arrow = ' → ',
): string {
  if (after === undefined) return `${before ?? 'unset'} (not applied)`;
  return `${before ?? 'unset'}${arrow}${after}`;
}
