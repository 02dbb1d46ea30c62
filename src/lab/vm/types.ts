/**
 * The VM lab's data: what `lab up --vm` made, recorded in <lab dir>/state.json beside the same
 * inventories, known_hosts, key and ssh_config the namespace lab writes (src/lab/inventory.ts).
 */
import type { LabPaths } from '../lab-files.js';
import type { SudoMode } from '../types.js';

/** A Debian suite built with debootstrap, or the busybox + dropbear initramfs guest. */
export type Distro = 'bullseye' | 'bookworm' | 'trixie' | 'busybox';

/** How QEMU runs guests: hardware (KVM) or the software translator (TCG). */
export type Accel = 'kvm' | 'tcg';

/** What a guest boots from (all read-only, in the image cache). */
export interface GuestImage {
  distro: Distro;
  kernel: string;
  initrd: string;
  /** qcow2 base of the root disk; absent for busybox (its root is the initramfs). */
  base?: string;
  /** OpenSSH public host key baked into the image (`ssh-ed25519 AAAA…`). */
  hostPublicKey: string;
}

export interface VmGuest {
  /** Inventory hostname, `h01`… */
  name: string;
  distro: Distro;
  /** TCP port on 127.0.0.1 forwarded to the guest's port 22 (hostfwd). */
  port: number;
  /** This guest's own directory in the lab dir: overlay, console log, qemu argv. */
  dir: string;
  /** Copy-on-write overlay over the image's base (absent for busybox). */
  overlay?: string;
  /** The qemu command line (argv[0] is the binary), reused for every (re)start. */
  argv: string[];
  /** PID of the running qemu (changes on every reboot). */
  pid: number;
  sudo: SudoMode;
  /** The namespace lab's inventory renderer reads these; a VM guest is never behind a bastion. */
  behindBastion: false;
  memoryMiB: number;
  cpus: number;
  numaNodes: number;
}

/** The namespace lab's paths and users (src/lab/lab-files.ts), plus the guests. */
export type VmLabState = LabPaths & {
  version: 1;
  kind: 'vm';
  accel: Accel;
  hosts: VmGuest[];
};
