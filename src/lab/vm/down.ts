/**
 * `lab down` of a VM lab: every qemu the lab started, by the PID in state.json and only when its
 * cmdline still names this lab's guest; also any qemu whose cmdline names the lab when the state
 * file is gone (a crash during `up`). Then the lab dir with the overlays. Safe to run twice.
 */
import { readdirSync, rmSync } from 'node:fs';
import { labDir as labDirOf } from '../layout.js';
import { validateLabName } from '../names.js';
import { cmdline, killOurs } from '../proc.js';
import { requireRoot } from '../state.js';
import { guestProcessName } from './qemu-args.js';
import { readVmState } from './state.js';

/** PIDs of qemu processes running a guest of lab `name` (their `-name sysfleet-lab-<name>-`). */
export function qemuPidsOfLab(name: string): number[] {
  const marker = `-name ${guestProcessName(name, '')}`;
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      const line = cmdline(pid) ?? '';
      return pid !== process.pid && line.startsWith('qemu-system-') && line.includes(marker);
    });
}

export async function vmLabDown(
  name: string,
  opts: { root?: string | undefined } = {},
): Promise<void> {
  requireRoot();
  const dir = labDirOf(validateLabName(name), opts.root);
  const state = readVmState(dir);
  for (const g of state?.hosts ?? []) {
    if (g.pid > 0) await killOurs(g.pid, [`-name ${guestProcessName(name, g.name)} `]);
  }
  for (const pid of qemuPidsOfLab(name))
    await killOurs(pid, [`-name ${guestProcessName(name, '')}`]);
  rmSync(dir, { recursive: true, force: true });
}
