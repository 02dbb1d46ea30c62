/**
 * `sysfleet inventory list|graph`: shows what sysfleet understood of an Ansible inventory —
 * resolved addresses, ports, users, become and jump chains — or the same JSON and tree
 * `ansible-inventory --list/--graph` print, so the two can be diffed.
 */
import { Option, type Command } from 'commander';
import { toAnsibleGraph } from '../inventory/ansible-list.js';
import { inventoryLookup, resolveConnections } from '../connection/connection.js';
import { selectHosts } from '../inventory/host-pattern.js';
import { inventoryListJson, inventoryTable } from '../inventory/inventory-view.js';
import { connectionsJson, connectionsTable } from '../inventory/connections-view.js';
import type { HostKeyPolicy } from '../transport/types.js';
import { loadInventory } from '../inventory/load-inventory.js';
import { expandLimitFiles } from '../inventory/load-limit.js';
import { loadSshConfig } from '../connection/load-ssh-config.js';

export interface InventoryIo {
  out: (text: string) => void;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

interface ListOpts {
  inventory: string[];
  limit?: string;
  json?: boolean;
  connections?: boolean;
  hostKeyChecking?: HostKeyPolicy;
  sshConfig?: string;
}

async function select(opts: ListOpts) {
  const inv = await loadInventory(opts.inventory);
  const pattern = opts.limit ? await expandLimitFiles(opts.limit) : undefined;
  return { inv, hosts: selectHosts(inv, pattern) };
}

export function registerInventory(
  program: Command,
  io: InventoryIo = { out: (t) => void process.stdout.write(t) },
): void {
  const cmd = program
    .command('inventory')
    .description('Show how sysfleet reads an Ansible inventory (hosts, groups, connections)');

  cmd
    .command('list')
    .description('Table of hosts with resolved address, port, user, become, jump chain and groups')
    .requiredOption(
      '-i, --inventory <source>',
      'inventory file, directory, script or "h1,h2," (repeatable)',
      collect,
    )
    .option('-l, --limit <pattern>', 'Ansible host pattern (web*, web:&prod:!web03, ~regex, @file)')
    .option('--json', 'print what `ansible-inventory --list` prints (secrets masked)')
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
    )
    .action(async (opts: ListOpts) => {
      const { inv, hosts } = await select(opts);
      if (opts.connections) {
        const ssh = await loadSshConfig(opts.sshConfig);
        const conns = resolveConnections(hosts, ssh, inventoryLookup(inv));
        const policy = opts.hostKeyChecking ?? 'strict';
        io.out(
          opts.json
            ? `${JSON.stringify(connectionsJson(conns, policy, ssh.files), null, 2)}\n`
            : connectionsTable(conns, policy),
        );
        return;
      }
      if (opts.json) {
        io.out(`${JSON.stringify(inventoryListJson(inv, hosts), null, 4)}\n`);
        return;
      }
      const ssh = await loadSshConfig(opts.sshConfig);
      const conns = resolveConnections(hosts, ssh, inventoryLookup(inv));
      io.out(inventoryTable(hosts.map((host, i) => ({ host, conn: conns[i]! }))));
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
