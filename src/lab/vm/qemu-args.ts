/**
 * The qemu-system-x86_64 command line of a lab guest (pure). Networking is user-mode only with
 * `restrict=on` (the guest reaches nothing outside) and one `hostfwd` bound to 127.0.0.1: never a
 * bridge, tap or host device. `-no-reboot` makes qemu exit when the guest reboots; `lab reboot`
 * starts the same command line again on the same overlay (measured faster and leaner than an
 * in-place reboot, /work/shared/lab-vm-facts.md).
 */
import type { Accel } from './types.js';

export interface QemuSpec {
  /** `sysfleet-lab-<lab>-<host>`: also how `lab down` recognises its own qemu by cmdline. */
  name: string;
  accel: Accel;
  cpus: number;
  memoryMiB: number;
  /** 1 = no NUMA topology; K > 1 = K nodes, memory and CPUs split evenly. */
  numaNodes: number;
  kernel: string;
  initrd: string;
  /** Root disk overlay; absent when the root is the initramfs (busybox guest). */
  disk?: string;
  hostname: string;
  port: number;
  consoleLog: string;
}

export const QEMU = 'qemu-system-x86_64';

/** The name qemu runs under: `lab down` only kills PIDs whose cmdline carries it. */
export function guestProcessName(lab: string, host: string): string {
  return `sysfleet-lab-${lab}-${host}`;
}

function numaArgs(nodes: number, cpus: number, memoryMiB: number): string[] {
  if (nodes <= 1) return [];
  if (cpus < nodes) throw new Error(`--numa ${nodes} needs at least ${nodes} vCPUs, got ${cpus}`);
  if (memoryMiB % nodes !== 0 || memoryMiB / nodes < 128) {
    throw new Error(
      `--numa ${nodes}: --memory ${memoryMiB} must split into ${nodes} equal nodes of >= 128 MiB`,
    );
  }
  const per = memoryMiB / nodes;
  const args: string[] = [];
  for (let n = 0; n < nodes; n++) {
    const first = Math.floor((n * cpus) / nodes);
    const last = Math.floor(((n + 1) * cpus) / nodes) - 1;
    args.push('-object', `memory-backend-ram,id=mem${n},size=${per}M`);
    args.push(
      '-numa',
      `node,nodeid=${n},cpus=${first === last ? first : `${first}-${last}`},memdev=mem${n}`,
    );
  }
  return args;
}

export function qemuArgs(s: QemuSpec): string[] {
  if (!Number.isInteger(s.port) || s.port < 1024 || s.port > 65535) {
    throw new Error(`guest port must be 1024-65535, got ${s.port}`);
  }
  // TCG: a 256 MiB translation cache instead of the default cuts RSS by ~140 MB, same boot time.
  const accel = s.accel === 'kvm' ? 'kvm' : 'tcg,tb-size=256';
  const append = [
    s.disk ? 'root=/dev/vda rw' : '',
    'console=ttyS0',
    'panic=-1',
    `systemd.hostname=${s.hostname}`,
    'net.ifnames=1',
  ].filter(Boolean);
  return [
    QEMU,
    '-name',
    s.name,
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-accel',
    accel,
    // plain `max`: `max,-svm` made systemd-udevd hang on dev-ttyS0 for 90 s (measured)
    '-cpu',
    'max',
    '-smp',
    String(s.cpus),
    '-m',
    `${s.memoryMiB}M`,
    ...numaArgs(s.numaNodes, s.cpus, s.memoryMiB),
    '-no-reboot',
    '-kernel',
    s.kernel,
    '-initrd',
    s.initrd,
    '-append',
    append.join(' '),
    ...(s.disk ? ['-drive', `file=${s.disk},if=virtio,format=qcow2,cache=unsafe`] : []),
    '-netdev',
    `user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:${s.port}-:22`,
    '-device',
    'virtio-net-pci,netdev=net0',
    '-serial',
    `file:${s.consoleLog}`,
    '-monitor',
    'none',
  ];
}
