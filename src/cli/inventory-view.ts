/**
 * What `sysfleet inventory list` prints: a table of resolved connections, or the
 * `ansible-inventory --list` JSON; secrets never shown (any var whose name contains pass,
 * secret, token or key_passphrase is masked). Pure functions of the inventory.
 */
import { toAnsibleList, type AnsibleListJson } from '../inventory/ansible-list.js';
import type { HostConnection } from '../connection/types.js';
import type { Inventory, InventoryHost } from '../inventory/types.js';

export const MASK = '********';
const SECRET_RE = /pass|secret|token|key_passphrase/i;

export function isSecretVar(name: string): boolean {
  return SECRET_RE.test(name);
}

/** Vars with secret-looking names replaced by a mask (recursively in nested mappings). */
export function maskSecrets(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    const value = isSecretVar(k)
      ? MASK
      : typeof v === 'object' && v !== null && !Array.isArray(v)
        ? maskSecrets(v as Record<string, unknown>)
        : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** How many values maskSecrets hides across `hosts` (the table and --json say so). */
export function maskedCount(hosts: readonly InventoryHost[]): number {
  const count = (vars: Record<string, unknown>, depth: number): number =>
    Object.entries(vars).reduce(
      (n, [k, v]) =>
        n +
        (isSecretVar(k)
          ? 1
          : depth < 16 && typeof v === 'object' && v !== null && !Array.isArray(v)
            ? count(v as Record<string, unknown>, depth + 1)
            : 0),
      0,
    );
  return hosts.reduce((n, h) => n + count(h.vars, 0), 0);
}

/** `ansible-inventory --list` JSON for the selected hosts, secrets masked. */
export function inventoryListJson(
  inv: Inventory,
  selected: readonly InventoryHost[],
): AnsibleListJson {
  const masked: Inventory = {
    ...inv,
    hosts: inv.hosts.map((h) => ({ ...h, vars: maskSecrets(h.vars) })),
  };
  return toAnsibleList(masked, new Set(selected.map((h) => h.name)));
}

function becomeText(c: HostConnection): string {
  if (!c.become) return 'no';
  const how = [c.becomeUser === 'root' ? '' : c.becomeUser, c.becomeMethod ?? ''].filter(Boolean);
  return how.length ? `yes (${how.join(', ')})` : 'yes';
}

function jumpText(c: HostConnection): string {
  return c.jump.map((j) => `${j.user ? `${j.user}@` : ''}${j.address}:${j.port}`).join(',') || '-';
}

/** One row per host: HOST ADDRESS PORT USER BECOME JUMP GROUPS, columns aligned. */
export function inventoryTable(
  rows: ReadonlyArray<{ host: InventoryHost; conn: HostConnection }>,
  masked = 0,
): string {
  const header = ['HOST', 'ADDRESS', 'PORT', 'USER', 'BECOME', 'JUMP', 'GROUPS'];
  const body = rows.map(({ host, conn }) => [
    host.name,
    conn.connection === 'local' ? '(local)' : conn.address,
    conn.connection === 'local' ? '-' : String(conn.port),
    conn.user,
    becomeText(conn),
    jumpText(conn),
    host.groups
      .filter((g) => g !== 'all')
      .sort()
      .join(',') || '-',
  ]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const lines = all.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '),
  );
  for (const { host, conn } of rows)
    if (conn.unreachable) lines.push(`${host.name}: unreachable: ${conn.unreachable}`);
  lines.push(`${rows.length} host${rows.length === 1 ? '' : 's'}`);
  if (masked > 0)
    lines.push(
      `${masked} secret-looking value${masked === 1 ? '' : 's'} masked in --json (--show-secrets shows them)`,
    );
  return `${lines.join('\n')}\n`;
}
