/**
 * The bench's work (pure): six net.* keys, the values the playbooks want, the drifted values every
 * host is put back to before a measured apply, and the same intent written as a sysfleet playbook
 * and as an Ansible playbook (ansible.posix.sysctl, gather_facts off). net.* only: those keys
 * live in each lab host's own network namespace, never the machine's.
 */

export const PERSIST_NAME = '60-bench';
export const PERSIST_FILE = `/etc/sysctl.d/${PERSIST_NAME}.conf`;

export const TARGETS: Readonly<Record<string, number>> = {
  'net.ipv4.tcp_keepalive_time': 600,
  'net.ipv4.tcp_keepalive_intvl': 30,
  'net.ipv4.tcp_keepalive_probes': 5,
  'net.ipv4.tcp_fin_timeout': 30,
  'net.core.somaxconn': 1024,
  'net.ipv4.tcp_max_syn_backlog': 2048,
};

/** Kernel defaults on Debian 12 (tcp_max_syn_backlog set low so all six differ). */
export const DRIFT: Readonly<Record<string, number>> = {
  'net.ipv4.tcp_keepalive_time': 7200,
  'net.ipv4.tcp_keepalive_intvl': 75,
  'net.ipv4.tcp_keepalive_probes': 9,
  'net.ipv4.tcp_fin_timeout': 60,
  'net.core.somaxconn': 4096,
  'net.ipv4.tcp_max_syn_backlog': 512,
};

const KEY = /^net\.[a-z0-9_.]+$/;
for (const k of Object.keys(TARGETS))
  if (!KEY.test(k)) throw new Error(`bench key ${k} is not net.*`);

export function sysfleetPlaybook(): string {
  const lines = Object.entries(TARGETS).map(([k, v]) => `  ${k}: ${v}`);
  return [
    'name: bench',
    'why: npm run bench - six net.* keys, the same as the Ansible playbook',
    `persist: ${PERSIST_NAME}`,
    'targets:',
    ...lines,
    '',
  ].join('\n');
}

export function ansiblePlaybook(): string {
  const items = Object.entries(TARGETS).map(([k, v]) => `        - { name: ${k}, value: "${v}" }`);
  return [
    '- hosts: lab',
    '  gather_facts: false',
    '  tasks:',
    '    - name: bench sysctls',
    '      ansible.posix.sysctl:',
    '        name: "{{ item.name }}"',
    '        value: "{{ item.value }}"',
    `        sysctl_file: ${PERSIST_FILE}`,
    '        sysctl_set: true',
    '        reload: true',
    '      loop:',
    ...items,
    '',
  ].join('\n');
}

/** Run inside a lab host (nsenter, no SSH): drop the persisted file, set the drifted values. */
export function driftScript(): string {
  const sets = Object.entries(DRIFT).map(([k, v]) => `${k}=${v}`);
  return `rm -f ${PERSIST_FILE} && sysctl -q -w ${sets.join(' ')}`;
}

/** Run inside a lab host: prints "key = value" for the six keys, and whether the file exists. */
export function readScript(): string {
  return `sysctl ${Object.keys(TARGETS).join(' ')}; test -f ${PERSIST_FILE} && echo persisted`;
}

export type HostState = 'target' | 'drift' | 'mixed';

/** Which state `readScript` output shows: all six at target and persisted, all drifted, or else. */
export function classify(output: string): HostState {
  const values = new Map<string, number>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s*=\s*(-?\d+)\s*$/.exec(line.trim());
    if (m) values.set(m[1]!, Number(m[2]));
  }
  const persisted = /^persisted$/m.test(output);
  const all = (want: Readonly<Record<string, number>>): boolean =>
    Object.entries(want).every(([k, v]) => values.get(k) === v);
  if (all(TARGETS) && persisted) return 'target';
  if (all(DRIFT) && !persisted) return 'drift';
  return 'mixed';
}

/** The floor's write: one `sh -s` whose stdin writes the file and loads it. */
export function floorWriteScript(): string {
  const body = Object.entries(TARGETS)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');
  return `cat > ${PERSIST_FILE}.tmp <<'EOF'\n${body}\nEOF\nmv ${PERSIST_FILE}.tmp ${PERSIST_FILE} && sysctl -q -p ${PERSIST_FILE}\n`;
}

export function floorReadCommand(): string {
  return `sysctl ${Object.keys(TARGETS).join(' ')}`;
}
