/** Parser for /proc/net/sockstat and sockstat6: `TCP: inuse 5 orphan 0 tw 12 alloc 7 mem 1`. */

export function parseSockstat(lines: readonly string[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const line of lines) {
    const m = /^(\w+):\s+(.*)$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    const words = m[2].split(/\s+/);
    const rec: Record<string, number> = out[m[1]] ?? {};
    for (let i = 0; i + 1 < words.length; i += 2) {
      const n = Number(words[i + 1]);
      const name = words[i];
      if (name && Number.isFinite(n)) rec[name] = n;
    }
    out[m[1]] = rec;
  }
  return out;
}
