/**
 * check, apply and rollback over both transports on each lab variant, judged from outside
 * sysfleet (runtime values and sysctl files read in the host's namespaces):
 * - `--bastion`: hosts behind a bastion, half by ProxyJump and half by a ProxyCommand;
 * - `--ssh-ca`: host and user certificates only (known_hosts holds just @cert-authority);
 * - `--pq-only`: sshd offers only post-quantum key exchange.
 * ssh2 cannot do certificates or PQ kex: there `--transport ssh2` must refuse every host with
 * the reason and change nothing, and `auto` must pick openssh, saying why.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PERSIST_FILE,
  PLAYBOOK,
  PLAYBOOK_VALUES,
  cli,
  controlNode,
  fleetState,
  labName,
  type ControlNode,
  type HostState,
} from './support/fleet-state.js';
import { labAvailable, labUp, type Lab, type LabUpOptions } from './support/lab.js';
import type { CheckReport } from '../../src/report/types.js';

interface Variant {
  id: string;
  opts: Omit<LabUpOptions, 'owner' | 'name'>;
  /** What ssh2 does there: everything, or refuse every host (saying why, matching this). */
  ssh2: 'works' | RegExp;
}

const VARIANTS: Variant[] = [
  { id: 'bastion', opts: { hosts: 4, bastion: true, sudoPasswordHosts: 0 }, ssh2: 'works' },
  { id: 'sshca', opts: { hosts: 2, sshCa: true, sudoPasswordHosts: 0 }, ssh2: /certificate/ },
  { id: 'pqonly', opts: { hosts: 2, pqOnly: true, sudoPasswordHosts: 0 }, ssh2: /KexAlgorithms/ },
];

/** The lab's own ssh_config as --ssh-config: OpenSSH hands a ProxyJump hop nothing but -F. */
const args = (lab: Lab, transport: string) => [
  '-i',
  lab.inventoryPath,
  '--known-hosts',
  lab.knownHostsPath,
  '--ssh-config',
  lab.sshConfigPath,
  '--transport',
  transport,
];

async function report(ctl: ControlNode, file: string): Promise<CheckReport> {
  return JSON.parse(await readFile(join(ctl.dir, file), 'utf8')) as CheckReport;
}

for (const v of VARIANTS) {
  describe.skipIf(!labAvailable)(
    `lab --${v.id}: check, apply, rollback over both transports`,
    () => {
      let lab: Lab;
      let ctl: ControlNode;
      let names: string[];
      let before: Record<string, HostState>;

      beforeAll(async () => {
        lab = await labUp({ name: labName(`v${v.id}`), ...v.opts });
        ctl = await controlNode(lab);
        names = [...lab.hosts.map((h) => h.name), ...(lab.bastion ? [lab.bastion.name] : [])];
        before = await fleetState(lab, names);
      }, 120_000);

      afterAll(async () => {
        await lab?.down();
        await ctl?.cleanup();
      }, 60_000);

      for (const transport of ['ssh2', 'openssh'] as const) {
        if (transport === 'ssh2' && v.ssh2 !== 'works') {
          const why = v.ssh2;
          it('ssh2 refuses every host, saying why, and changes nothing', async () => {
            const c = await cli(ctl, ['check', ...args(lab, 'ssh2'), PLAYBOOK, '--json', 'r.json']);
            expect(c.code, c.stderr).toBe(3);
            const r = await report(ctl, 'r.json');
            for (const h of r.hosts) {
              expect(h.transport?.name, h.host).toBe('refused');
              expect(h.transport?.reason, h.host).toMatch(why);
              expect(h.error?.kind, h.host).toBe('unsupported');
            }
            const a = await cli(ctl, ['apply', ...args(lab, 'ssh2'), PLAYBOOK, '--yes', '--plain']);
            expect(a.code).not.toBe(0);
            expect(await fleetState(lab, names)).toEqual(before);
          }, 120_000);
          continue;
        }
        it(`${transport}: check sees the drift, apply fixes it, rollback restores byte for byte`, async () => {
          const c = await cli(ctl, [
            'check',
            ...args(lab, transport),
            PLAYBOOK,
            '--json',
            `c-${transport}.json`,
          ]);
          expect(c.code, c.stdout + c.stderr).toBe(2);
          const r = await report(ctl, `c-${transport}.json`);
          expect(r.hosts.map((h) => [h.host, h.outcome, h.transport?.name]).sort()).toEqual(
            names.map((n) => [n, 'drift', transport]).sort(),
          );
          const applied = await cli(ctl, [
            'apply',
            ...args(lab, transport),
            PLAYBOOK,
            '--yes',
            '--plain',
          ]);
          expect(applied.code, applied.stdout + applied.stderr).toBe(0);
          expect(applied.stdout).toContain(`${names.length} changed`);
          const during = await fleetState(lab, names);
          for (const h of names) {
            expect(during[h]!.runtime, h).toEqual(PLAYBOOK_VALUES);
            expect(during[h]!.files[PERSIST_FILE], h).toMatch(/^file 644 0:0 sha256:/);
          }
          const rb = await cli(ctl, [
            'rollback',
            '--yes',
            'latest',
            ...args(lab, transport).slice(2),
          ]);
          expect(rb.code, rb.stdout + rb.stderr).toBe(0);
          expect(rb.stdout).toMatch(new RegExp(`: ${names.length} restored`));
          expect(await fleetState(lab, names)).toEqual(before);
        }, 180_000);
      }

      it('auto: ssh2 where it can, else openssh, the reason in the report', async () => {
        const c = await cli(ctl, [
          'check',
          ...args(lab, 'auto'),
          PLAYBOOK,
          '--json',
          'auto.json',
          '--detail',
        ]);
        expect(c.code, c.stderr).toBe(2);
        const r = await report(ctl, 'auto.json');
        for (const h of r.hosts) {
          if (v.ssh2 === 'works') {
            expect(h.transport, h.host).toEqual({
              name: 'ssh2',
              reason: 'ssh2 does all the configuration asks',
            });
          } else {
            expect(h.transport?.name, h.host).toBe('openssh');
            expect(h.transport?.reason, h.host).toMatch(v.ssh2);
          }
        }
        expect(c.stdout).toContain('Transport:');
      }, 120_000);
    },
  );
}
