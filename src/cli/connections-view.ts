/**
 * `sysfleet inventory list --connections [--json]`: how each host will be reached, in the
 * stable shape of schemas/connections.schema.json (schemaVersion 1) or as a table. Values are
 * what OpenSSH would use (src/connection resolves like `ssh -G`), so operators and tests can
 * compare them with `ssh -G`. Pure; secrets are never part of a HostConnection.
 */
import type { HostConnection, JumpHost } from '../connection/types.js';
import type { HostKeyPolicy } from '../transport/types.js';

export interface HopJson {
  name: string | null;
  address: string;
  port: number;
  user: string | null;
  identityFiles: string[];
  certificateFiles: string[];
  knownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: string | null;
  kexAlgorithms: string | null;
  hostKeyAlgorithms: string | null;
  proxyCommand: string | null;
}

export interface HostConnectionJson {
  name: string;
  connection: 'ssh' | 'local';
  transport: {
    /** What the configuration needs: `any` (ssh2 or OpenSSH), `openssh`, or `local`. */
    needs: 'any' | 'openssh' | 'local';
    reasons: string[];
  };
  address: string;
  /** What host name canonicalisation did (ssh -G hostname is `address`), else null. */
  canonical: {
    from: string;
    how: 'address' | 'domain' | 'cname';
    lookedUp: string | null;
    cname: string | null;
  } | null;
  /** Why the host cannot be reached as configured (e.g. a name ssh cannot resolve), else null. */
  unreachable: string | null;
  port: number;
  user: string;
  identityFiles: string[];
  identityFilesDefault: boolean;
  certificateFiles: string[];
  knownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  hostKeyPolicy: { sysfleet: HostKeyPolicy; strictHostKeyChecking: string | null };
  kexAlgorithms: string | null;
  hostKeyAlgorithms: string | null;
  proxyCommand: string | null;
  jump: HopJson[];
  become: { enabled: boolean; user: string };
  sshConfigFile: string | null;
  sshArgs: string[];
}

export interface ConnectionsJson {
  schemaVersion: 1;
  sshConfigFiles: string[];
  hosts: HostConnectionJson[];
}

function hopJson(h: JumpHost): HopJson {
  return {
    name: h.name ?? null,
    address: h.address,
    port: h.port,
    user: h.user ?? null,
    identityFiles: h.identityFiles,
    certificateFiles: h.certificateFiles ?? [],
    knownHostsFiles: h.knownHostsFiles ?? [],
    globalKnownHostsFiles: h.globalKnownHostsFiles ?? [],
    strictHostKeyChecking: h.strictHostKeyChecking ?? null,
    kexAlgorithms: h.kexAlgorithms ?? null,
    hostKeyAlgorithms: h.hostKeyAlgorithms ?? null,
    proxyCommand: h.proxyCommand ?? null,
  };
}

export function hostConnectionJson(c: HostConnection, policy: HostKeyPolicy): HostConnectionJson {
  const reasons = c.ssh2Limits ?? [];
  return {
    name: c.name,
    connection: c.connection,
    transport: {
      needs: c.connection === 'local' ? 'local' : reasons.length ? 'openssh' : 'any',
      reasons,
    },
    address: c.address,
    canonical: c.canonical
      ? {
          from: c.canonical.from,
          how: c.canonical.how,
          lookedUp: c.canonical.lookedUp ?? null,
          cname: c.canonical.cname ?? null,
        }
      : null,
    unreachable: c.unreachable ?? null,
    port: c.port,
    user: c.user,
    identityFiles: c.identityFiles,
    identityFilesDefault: c.identityFilesDefault ?? false,
    certificateFiles: c.certificateFiles ?? [],
    knownHostsFiles: c.knownHostsFiles ?? [],
    globalKnownHostsFiles: c.globalKnownHostsFiles ?? [],
    hostKeyPolicy: { sysfleet: policy, strictHostKeyChecking: c.strictHostKeyChecking ?? null },
    kexAlgorithms: c.kexAlgorithms ?? null,
    hostKeyAlgorithms: c.hostKeyAlgorithms ?? null,
    proxyCommand: c.proxyCommand ?? null,
    jump: c.jump.map(hopJson),
    become: { enabled: c.become, user: c.becomeUser },
    sshConfigFile: c.sshConfigFile ?? null,
    sshArgs: c.sshArgs ?? [],
  };
}

export function connectionsJson(
  conns: readonly HostConnection[],
  policy: HostKeyPolicy,
  sshConfigFiles: readonly string[],
): ConnectionsJson {
  return {
    schemaVersion: 1,
    sshConfigFiles: [...sshConfigFiles],
    hosts: conns.map((c) => hostConnectionJson(c, policy)),
  };
}

const hopText = (h: JumpHost) =>
  `${h.user ? `${h.user}@` : ''}${h.address}:${h.port}${h.proxyCommand ? ' (ProxyCommand)' : ''}`;

/** HOST TRANSPORT ADDRESS PORT USER KEYS KNOWN_HOSTS VIA, one row per host; reasons below. */
export function connectionsTable(conns: readonly HostConnection[], policy: HostKeyPolicy): string {
  const header = ['HOST', 'NEEDS', 'ADDRESS', 'PORT', 'USER', 'KEYS', 'KNOWN_HOSTS', 'VIA'];
  const rows = conns.map((c) => {
    const j = hostConnectionJson(c, policy);
    const keys = j.identityFilesDefault ? '(ssh defaults)' : j.identityFiles.join(',') || '-';
    const certs = j.certificateFiles.length ? ` +cert ${j.certificateFiles.join(',')}` : '';
    const via = j.proxyCommand
      ? `ProxyCommand ${j.proxyCommand.replace(/^exec /, '')}`
      : c.jump.map(hopText).join(' > ') || '-';
    return [
      c.name,
      j.transport.needs,
      c.connection === 'local' ? '(local)' : c.address,
      c.connection === 'local' ? '-' : String(c.port),
      c.user,
      `${keys}${certs}`,
      j.knownHostsFiles.join(',') || '-',
      via,
    ];
  });
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const lines = all.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '),
  );
  for (const c of conns) {
    if (c.canonical)
      lines.push(
        `${c.name}: ${c.canonical.from} canonicalised to ${c.address}${c.canonical.cname ? ' (CNAME)' : ''}`,
      );
    if (c.unreachable) lines.push(`${c.name}: unreachable: ${c.unreachable}`);
    for (const why of c.ssh2Limits ?? []) lines.push(`${c.name}: needs OpenSSH: ${why}`);
  }
  lines.push(
    `host-key checking: ${policy} (sysfleet); ${conns.length} host${conns.length === 1 ? '' : 's'}`,
  );
  return `${lines.join('\n')}\n`;
}
