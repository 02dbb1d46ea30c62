import type { Command } from 'commander';
import { labFileLines } from './lab-files.js';
import {
  allLabNames,
  labDown,
  labDownAll,
  labUp,
  openLab,
  readState,
  requireRoot,
  LAB_ROOT,
  type Lab,
} from '../lab/index.js';
import { join } from 'node:path';
import { readVmState, openVmLab } from '../lab/vm/index.js';
import { describeVmLab, vmReboot, vmUp } from './lab-vm.js';

const DEFAULT_NAME = 'default';

function print(line: string): void {
  process.stdout.write(line + '\n');
}

function int(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${what} must be a non-negative integer, got "${value}"`);
  return n;
}

function describe(lab: Lab, secrets: boolean): string[] {
  const lines = [
    `lab ${lab.name}: ${lab.hosts.length} hosts${lab.bastion ? ` behind bastion :${lab.bastion.port}` : ''}`,
    ...labFileLines(lab),
  ];
  if (secrets) lines.push(`  sudo password:           ${lab.sudoPassword()}`);
  for (const h of lab.bastion ? [lab.bastion, ...lab.hosts] : lab.hosts) {
    lines.push(`  ${h.name.padEnd(8)} 127.0.0.1:${h.port}  netns ${h.netns}  sudo ${h.sudo}`);
  }
  return lines;
}

/** `sysfleet lab`: a disposable fleet of real OpenSSH hosts in namespaces on this machine. */
export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description('disposable fleet of real OpenSSH hosts in network namespaces (needs root)')
    .hook('preAction', () => requireRoot());

  lab
    .command('up')
    .description('create a lab: N hosts, inventories, known_hosts and a key under ' + LAB_ROOT)
    .option('--hosts <n>', 'number of hosts (1-1000; with --vm 1-8)')
    .option('--name <name>', 'lab name ([a-z0-9], up to 16)', DEFAULT_NAME)
    .option('--vm <distros>', 'QEMU guests instead: bullseye,bookworm,trixie,busybox (or all)')
    .option('--numa <k>', 'with --vm: NUMA nodes per guest')
    .option('--memory <mib>', 'with --vm: MiB per guest (default 512 per NUMA node)')
    .option(
      '--bastion',
      'add a bastion host; the others are reachable only through it (half by ProxyJump, half by ProxyCommand)',
    )
    .option(
      '--ssh-ca',
      'host and user certificates from a lab CA; known_hosts holds only @cert-authority',
    )
    .option(
      '--pq-only',
      'sshd offers only post-quantum key exchange (sntrup761x25519, mlkem768x25519 if present)',
    )
    .option('--sudo-password-hosts <n>', 'how many hosts get password sudo (default: half)')
    .action(
      async (o: {
        hosts?: string;
        name: string;
        bastion?: boolean;
        sshCa?: boolean;
        pqOnly?: boolean;
        sudoPasswordHosts?: string;
        vm?: string;
        numa?: string;
        memory?: string;
      }) => {
        if (o.vm !== undefined) return vmUp({ ...o, vm: o.vm });
        if (o.numa !== undefined || o.memory !== undefined) {
          throw new Error('--numa and --memory need --vm (namespace hosts share this kernel)');
        }
        if (o.hosts === undefined) throw new Error('lab up needs --hosts N (or --vm DISTROS)');
        const started = Date.now();
        const l = await labUp({
          name: o.name,
          hosts: int(o.hosts, '--hosts'),
          bastion: o.bastion === true,
          sshCa: o.sshCa === true,
          pqOnly: o.pqOnly === true,
          ...(o.sudoPasswordHosts !== undefined
            ? { sudoPasswordHosts: int(o.sudoPasswordHosts, '--sudo-password-hosts') }
            : {}),
        });
        for (const line of describe(l, false)) print(line);
        print(`up in ${((Date.now() - started) / 1000).toFixed(1)} s; try:`);
        print(`  sysfleet check -i ${l.inventoryPath} playbooks/nat-keepalive.yaml`);
        print(`  export ${l.state.sudoPasswordEnv}="$(cat ${l.state.sudoPasswordPath})"`);
        print(`  sysfleet check -i ${l.becomeInventoryPath} playbooks/nat-keepalive.yaml`);
        print(`  sysfleet lab down --name ${l.name}`);
      },
    );

  lab
    .command('down')
    .description('remove a lab: namespaces, processes, mounts, files (safe to repeat)')
    .option('--name <name>', 'lab name', DEFAULT_NAME)
    .option('--all', 'remove every lab on this machine, leftovers included')
    .action(async (o: { name: string; all?: boolean }) => {
      if (o.all) {
        const names = await labDownAll();
        print(names.length ? `removed: ${names.join(' ')}` : 'no labs');
      } else {
        await labDown(o.name);
        print(`removed: ${o.name}`);
      }
    });

  lab
    .command('status')
    .description('list labs and their hosts')
    .option('--name <name>', 'only this lab')
    .option('--secrets', 'also print the sudo password')
    .action(async (o: { name?: string; secrets?: boolean }) => {
      const names = o.name ? [o.name] : await allLabNames();
      if (names.length === 0) print('no labs');
      for (const name of names) {
        if (readVmState(join(LAB_ROOT, name))) {
          for (const line of describeVmLab(openVmLab(name))) print(line);
          continue;
        }
        if (!readState(join(LAB_ROOT, name))) {
          print(`lab ${name}: incomplete or crashed (sysfleet lab down --name ${name})`);
          continue;
        }
        const l = openLab(name);
        for (const line of describe(l, o.secrets === true)) print(line);
        try {
          const st = (await l.status()) as {
            hosts?: {
              name: string;
              mode: string;
              blackhole: boolean;
              latencyMs: number;
              sessions: number;
            }[];
          };
          for (const h of st.hosts ?? []) {
            const faults = [
              h.mode === 'stopped' ? 'stopped' : '',
              h.blackhole ? 'blackhole' : '',
              h.latencyMs ? `latency ${h.latencyMs}ms` : '',
            ].filter(Boolean);
            if (faults.length || h.sessions) {
              print(`  ${h.name}: ${faults.join(', ') || 'ok'}; ${h.sessions} sessions`);
            }
          }
        } catch (err) {
          print(`  supervisor: DOWN (${err instanceof Error ? err.message : String(err)})`);
        }
      }
    });

  lab
    .command('reboot <host>')
    .description('reboot a VM lab guest through its init and wait until sshd answers again')
    .option('--name <name>', 'lab name', DEFAULT_NAME)
    .action((host: string, o: { name: string }) => vmReboot(host, o.name));

  const fault = lab.command('fault').description('inject a fault into a lab host (or undo it)');
  const knob = (
    name: string,
    args: string,
    description: string,
    fn: (l: Lab, host: string, arg: string | undefined) => Promise<string | void>,
  ): void => {
    fault
      .command(`${name} ${args}`)
      .description(description)
      .option('--name <name>', 'lab name', DEFAULT_NAME)
      .action(async (host: string, ...rest: unknown[]) => {
        const arg = typeof rest[0] === 'string' ? rest[0] : undefined;
        const cmd = rest[rest.length - 1] as Command;
        const l = openLab((cmd.opts() as { name: string }).name);
        const out = await fn(l, host, arg);
        print(out ?? `${name} ${host}: done`);
      });
  };
  knob('stop', '<host>', 'close the port: connections refused', (l, h) => l.stop(h));
  knob('start', '<host>', 'open the port again', (l, h) => l.start(h));
  knob('blackhole', '<host>', 'accept TCP, never speak SSH', (l, h) => l.blackhole(h, true));
  knob('unblackhole', '<host>', 'undo blackhole', (l, h) => l.blackhole(h, false));
  knob('latency', '<host> <ms>', 'delay new connections by MS each way (0 = off)', (l, h, ms) =>
    l.latency(h, int(ms ?? '', 'ms')),
  );
  knob(
    'max-connections',
    '<host> <n>',
    'close connections beyond N live ones (0 = off)',
    (l, h, n) => l.maxConnections(h, int(n ?? '', 'n')),
  );
  knob('readonly', '<host>', 'make /etc/sysctl.d read-only (EROFS)', (l, h) =>
    l.sysctlDirReadOnly(h, true),
  );
  knob('writable', '<host>', 'make /etc/sysctl.d writable again', (l, h) =>
    l.sysctlDirReadOnly(h, false),
  );
  knob(
    'rotate-key',
    '<host>',
    'new host key; known_hosts not updated',
    async (l, h) => `new host key of ${h}: ${await l.rotateHostKey(h)}`,
  );
  knob('time-wait', '<host> <count>', 'make COUNT TIME_WAIT sockets in the host', (l, h, n) =>
    l.timeWait(h, int(n ?? '', 'count')),
  );
  knob(
    'close-wait',
    '<host> <count>',
    'make COUNT CLOSE_WAIT sockets (held until cleared)',
    async (l, h, n) => `close-wait holder pid ${await l.closeWait(h, int(n ?? '', 'count'))}`,
  );
  knob('clear-close-wait', '<host>', 'kill the host’s CLOSE_WAIT holders', (l, h) =>
    l.clearCloseWait(h),
  );
}
