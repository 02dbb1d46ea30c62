import { describe, expect, it } from 'vitest';
import { qemuArgs, type QemuSpec } from './qemu-args.js';

const spec: QemuSpec = {
  name: 'sysfleet-lab-t1-h01',
  accel: 'tcg',
  cpus: 1,
  memoryMiB: 512,
  numaNodes: 1,
  kernel: '/c/vmlinuz',
  initrd: '/c/initrd.img',
  disk: '/run/l/h01/disk.qcow2',
  hostname: 'h01',
  port: 22222,
  consoleLog: '/run/l/h01/console.log',
};

const after = (argv: string[], flag: string): string[] =>
  argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));

describe('qemuArgs', () => {
  it('networks only through user mode, restricted, forwarding one loopback port', () => {
    const argv = qemuArgs(spec);
    expect(after(argv, '-netdev')).toEqual([
      'user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:22222-:22',
    ]);
    expect(argv.join(' ')).not.toMatch(
      /tap|bridge|vhost|vfio|usb|hostfwd=tcp::|0\.0\.0\.0|-hda|file=\/dev\//,
    );
    expect(argv).toContain('-nodefaults');
    expect(argv).toContain('-no-reboot');
  });

  it('uses TCG with a bounded translation cache, or KVM, and -cpu max', () => {
    expect(after(qemuArgs(spec), '-accel')).toEqual(['tcg,tb-size=256']);
    expect(after(qemuArgs({ ...spec, accel: 'kvm' }), '-accel')).toEqual(['kvm']);
    expect(after(qemuArgs(spec), '-cpu')).toEqual(['max']);
  });

  it('boots the kernel directly with the overlay as /dev/vda', () => {
    const argv = qemuArgs(spec);
    expect(after(argv, '-append')[0]).toMatch(
      /^root=\/dev\/vda rw console=ttyS0 .*systemd\.hostname=h01/,
    );
    expect(after(argv, '-drive')).toEqual([
      'file=/run/l/h01/disk.qcow2,if=virtio,format=qcow2,cache=unsafe',
    ]);
    const ram = qemuArgs({ ...spec, disk: undefined });
    expect(after(ram, '-drive')).toEqual([]);
    expect(after(ram, '-append')[0]).not.toMatch(/root=/);
  });

  it('splits memory and CPUs into NUMA nodes', () => {
    const argv = qemuArgs({ ...spec, cpus: 2, memoryMiB: 1024, numaNodes: 2 });
    expect(after(argv, '-object')).toEqual([
      'memory-backend-ram,id=mem0,size=512M',
      'memory-backend-ram,id=mem1,size=512M',
    ]);
    expect(after(argv, '-numa')).toEqual([
      'node,nodeid=0,cpus=0,memdev=mem0',
      'node,nodeid=1,cpus=1,memdev=mem1',
    ]);
    expect(after(qemuArgs({ ...spec, cpus: 4, memoryMiB: 1024, numaNodes: 2 }), '-numa')[1]).toBe(
      'node,nodeid=1,cpus=2-3,memdev=mem1',
    );
    expect(after(qemuArgs(spec), '-numa')).toEqual([]);
  });

  it('refuses NUMA layouts that do not split', () => {
    expect(() => qemuArgs({ ...spec, cpus: 1, numaNodes: 2, memoryMiB: 1024 })).toThrow(/vCPUs/);
    expect(() => qemuArgs({ ...spec, cpus: 2, numaNodes: 2, memoryMiB: 1001 })).toThrow(/equal/);
    expect(() => qemuArgs({ ...spec, port: 22 })).toThrow(/port/);
  });
});
