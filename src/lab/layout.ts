/** Where a lab keeps things on the machine (pure path arithmetic). */
import { join } from 'node:path';
import { LAB_ROOT, netnsName } from './names.js';
import type { LabHost, SudoMode } from './types.js';

export function labDir(name: string, root = LAB_ROOT): string {
  return join(root, name);
}

export function hostLayout(
  dir: string,
  lab: string,
  host: string,
  opts: { sudo: SudoMode; behindBastion: boolean; libIsSymlink: boolean },
): Omit<LabHost, 'port'> {
  const h = join(dir, 'hosts', host);
  const ns = netnsName(lab, host);
  return {
    name: host,
    netns: ns,
    netnsPath: `/run/netns/${ns}`,
    mntnsPath: join(dir, 'ns', host),
    dir: h,
    sudo: opts.sudo,
    behindBastion: opts.behindBastion,
    sockPath: join(h, 'ssh.sock'),
    backing: {
      etcSysctlD: join(h, 'etc/sysctl.d'),
      runSysctlD: join(h, 'run/sysctl.d'),
      usrLibSysctlD: join(h, 'usr/lib/sysctl.d'),
      usrLocalLibSysctlD: join(h, 'usr/local/lib/sysctl.d'),
      ...(opts.libIsSymlink ? {} : { libSysctlD: join(h, 'lib/sysctl.d') }),
      sysctlConf: join(h, 'etc/sysctl.conf'),
      varLibSysfleet: join(h, 'var/lib/sysfleet'),
      etcSsh: join(h, 'etc/ssh'),
    },
  };
}
