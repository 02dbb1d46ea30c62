/**
 * SSH connections per host, from `strace -f -e trace=connect` output (pure): every connect() to
 * 127.0.0.1 on a lab host's port is one TCP connection attempt to that host.
 */

export interface ConnectionCount {
  /** Lab hosts with at least one connection. */
  hosts: number;
  min: number;
  max: number;
  total: number;
}

export function countConnections(strace: string, ports: readonly number[]): ConnectionCount {
  const per = new Map<number, number>(ports.map((p) => [p, 0]));
  const re =
    /connect\(\d+, \{sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("127\.0\.0\.1"\)/g;
  for (const m of strace.matchAll(re)) {
    const port = Number(m[1]);
    const n = per.get(port);
    if (n !== undefined) per.set(port, n + 1);
  }
  const counts = [...per.values()];
  return {
    hosts: counts.filter((c) => c > 0).length,
    min: counts.length ? Math.min(...counts) : 0,
    max: counts.length ? Math.max(...counts) : 0,
    total: counts.reduce((s, c) => s + c, 0),
  };
}
