/**
 * Parser for /proc/net/snmp and /proc/net/netstat: pairs of lines with the same prefix, a header
 * line of names then a line of values (`TcpExt: SyncookiesSent ...` / `TcpExt: 0 ...`). Older
 * kernels have fewer fields; a pair whose lengths differ keeps the fields both lines have.
 */

export function parseCounters(lines: readonly string[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  let header: { prefix: string; names: string[] } | undefined;
  for (const raw of lines) {
    const m = /^(\w+):\s*(.*)$/.exec(raw.trim());
    if (!m?.[1] || m[2] === undefined) {
      header = undefined;
      continue;
    }
    const prefix = m[1];
    const fields = m[2].split(/\s+/).filter(Boolean);
    const numeric = fields.length > 0 && fields.every((f) => /^-?\d+$/.test(f));
    if (!numeric) {
      header = { prefix, names: fields };
      continue;
    }
    if (header?.prefix !== prefix) continue;
    const rec: Record<string, number> = out[prefix] ?? {};
    header.names.forEach((name, i) => {
      const v = fields[i];
      if (v !== undefined) rec[name] = Number(v);
    });
    out[prefix] = rec;
    header = undefined;
  }
  return out;
}
