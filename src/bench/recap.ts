/**
 * Ansible's PLAY RECAP (pure): which hosts finished without `failed` or `unreachable`, so a fast
 * Ansible run that reached nobody does not pass for a fast one.
 */

export interface Recap {
  hosts: number;
  ok: number;
  changed: number;
}

export function parseRecap(output: string): Recap {
  const at = output.lastIndexOf('PLAY RECAP');
  const lines = at < 0 ? [] : output.slice(at).split('\n').slice(1);
  let hosts = 0;
  let ok = 0;
  let changed = 0;
  for (const line of lines) {
    const m = /^\S+\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/.exec(line);
    if (!m) continue;
    hosts++;
    if (m[3] === '0' && m[4] === '0') ok++;
    if (Number(m[2]) > 0) changed++;
  }
  return { hosts, ok, changed };
}
