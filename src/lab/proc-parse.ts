/** Parsers for what `lab down` reads from the machine (pure; fixtures in test/fixtures/lab/). */

/**
 * Mount points at or under `dir` from /proc/self/mountinfo text, deepest first, so unmounting in
 * order never hits a busy parent. `/run/sysfleet-lab/ab` never matches `/run/sysfleet-lab/abc`.
 */
export function mountTargetsUnder(mountinfo: string, dir: string): string[] {
  const targets = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .map((t) =>
      t.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))),
    )
    .filter((t) => t === dir || t.startsWith(dir + '/'));
  return [...new Set(targets)].sort((a, b) => b.length - a.length);
}

/** Namespace names from `ip netns list` (which may append ` (id: N)`). */
export function parseNetnsList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(' ')[0] ?? '')
    .filter((n) => n !== '');
}
