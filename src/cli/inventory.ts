/**
 * `sysfleet inventory list|graph`: shows what sysfleet understood of an Ansible inventory —
 * resolved addresses, ports, users, become and jump chains — or the same JSON and tree
 * `ansible-inventory --list/--graph` print, so the two can be diffed.
 */
import { Option, type Command } from 'commander';
import { toAnsibleGraph, toAnsibleList } from '../inventory/ansible-list.js';
import { renderHosts } from '../inventory/template/render-hosts.js';
import { inventoryLookup, resolveConnections } from '../connection/connection.js';
import { selectHosts } from '../inventory/host-pattern.js';
import { inventoryListJson, inventoryTable, maskedCount } from './inventory-view.js';
import { connectionsJson, connectionsTable } from './connections-view.js';
import type { HostKeyPolicy } from '../transport/types.js';
import { loadInventory } from '../inventory/load-inventory.js';
import { expandLimitFiles } from '../inventory/load-limit.js';
import { loadSshConfig } from '../connection/load-ssh-config.js';
import { selectShard } from '../shard/index.js';
import { addShardOption, shardSpec } from './shard.js';

export interface InventoryIo {
  out: (text: string) => void;
  /** Notes that must not mix with stdout's JSON (default stderr). */
  err?: (text: string) => void;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

interface ListOpts {
  inventory: string[];
  limit?: string;
  json?: boolean;
  showSecrets?: boolean;
  connections?: boolean;
  hostKeyChecking?: HostKeyPolicy;
  sshConfig?: string;
  shard?: string;
}

async function select(opts: ListOpts) {
  const inv = await loadInventory(opts.inventory);
  const pattern = opts.limit ? await expandLimitFiles(opts.limit) : undefined;
  const hosts = selectHosts(inv, pattern);
  const spec = shardSpec(opts);
  return { inv, hosts: spec ? selectShard(hosts, spec).hosts : hosts };
}

export function registerInventory(
  program: Command,
  given: InventoryIo = { out: (t) => void process.stdout.write(t) },
): void {
  const io = { err: (t: string) => void process.stderr.write(t), ...given };
  const cmd = program
    .command('inventory')
    .description('Show how sysfleet reads an Ansible inventory (hosts, groups, connections)');

  const list = cmd
    .command('list')
    .description('Table of hosts with resolved address, port, user, become, jump chain and groups')
    .requiredOption(
      '-i, --inventory <source>',
      'inventory file, directory, script or "h1,h2," (repeatable)',
      collect,
    )
    .option('-l, --limit <pattern>', 'Ansible host pattern (web*, web:&prod:!web03, ~regex, @file)')
    .option('--json', 'print what `ansible-inventory --list` prints (secrets masked)')
    .option('--show-secrets', 'with --json: print secret-looking values as they are, not masked')
    .option(
      '--connections',
      'how each host will be reached: transport, address, port, user, keys, known_hosts, proxy/jump chain (with --json: schemas/connections.schema.json)',
    )
    .addOption(
      new Option('--host-key-checking <policy>', 'the policy to show with --connections')
        .choices(['strict', 'accept-new', 'off'])
        .default('strict'),
    )
    .option(
      '--ssh-config <file>',
      'ssh_config to resolve hosts with, like ssh -F (default ~/.ssh/config then /etc/ssh/ssh_config)',
    );
  addShardOption(list).action(async (opts: ListOpts) => {
    const { inv, hosts } = await select(opts);
    if (opts.json && !opts.connections) {
      const json = opts.showSecrets
        ? toAnsibleList(inv, new Set(hosts.map((h) => h.name)))
        : inventoryListJson(inv, hosts);
      io.out(`${JSON.stringify(json, null, 4)}\n`);
      const masked = opts.showSecrets ? 0 : maskedCount(hosts);
      if (masked > 0)
        io.err(`sysfleet: ${masked} secret-looking value(s) masked; --show-secrets prints them\n`);
      return;
    }
    const ssh = await loadSshConfig(opts.sshConfig);
    const rendered = renderHosts(inv, hosts);
    const conns = resolveConnections(
      rendered.map((r) => r.host),
      ssh,
      inventoryLookup(inv),
    );
    rendered.forEach((r, i) => {
      if (r.problem) conns[i]!.unreachable = r.problem;
    });
    if (opts.connections) {
      const policy = opts.hostKeyChecking ?? 'strict';
      io.out(
        opts.json
          ? `${JSON.stringify(connectionsJson(conns, policy, ssh.files), null, 2)}\n`
          : connectionsTable(conns, policy),
      );
      return;
    }
    io.out(
      inventoryTable(
        rendered.map((r, i) => ({ host: r.host, conn: conns[i]! })),
        maskedCount(hosts),
      ),
    );
  });

  cmd
    .command('graph')
    .description('Group tree as `ansible-inventory --graph` prints it')
    .argument('[group]', 'start from this group', 'all')
    .requiredOption('-i, --inventory <source>', 'inventory source (repeatable)', collect)
    .option('-l, --limit <pattern>', 'Ansible host pattern')
    .action(async (group: string, opts: ListOpts) => {
      const { inv, hosts } = await select(opts);
      if (!inv.groups[group]) throw new Error(`no group "${group}" in the inventory`);
      const only = opts.limit ? new Set(hosts.map((h) => h.name)) : undefined;
      io.out(`${toAnsibleGraph(inv, group, only).join('\n')}\n`);
    });
}
