/** The `--vm` side of `sysfleet lab`: up, status and reboot of a QEMU guest lab (src/lab/vm). */
import { labFileLines } from './lab-files.js';
import { openVmLab, parseDistros, vmLabUp, type VmLab } from '../lab/vm/index.js';

function print(line: string): void {
  process.stdout.write(line + '\n');
}

function int(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${what} must be a positive integer, got "${value}"`);
  return n;
}

export function describeVmLab(lab: VmLab): string[] {
  const lines = [
    `lab ${lab.name}: ${lab.hosts.length} QEMU guests (${lab.state.accel})`,
    ...labFileLines(lab),
  ];
  for (const s of lab.status()) {
    const h = lab.host(s.name);
    const numa = h.numaNodes > 1 ? `, ${h.numaNodes} NUMA nodes` : '';
    const run = s.running
      ? `qemu pid ${s.pid}${s.rssKiB ? `, RSS ${Math.round(s.rssKiB / 1024)} MiB` : ''}`
      : 'STOPPED';
    lines.push(
      `  ${s.name.padEnd(8)} 127.0.0.1:${s.port}  ${s.distro.padEnd(8)} ${h.memoryMiB} MiB, ${h.cpus} vCPU${numa}; ${run}`,
    );
  }
  return lines;
}

export async function vmUp(o: {
  vm: string;
  hosts?: string;
  numa?: string;
  memory?: string;
  name: string;
}): Promise<void> {
  const started = Date.now();
  const hosts = int(o.hosts, '--hosts');
  const numa = int(o.numa, '--numa');
  const memoryMiB = int(o.memory, '--memory');
  const lab = await vmLabUp({
    name: o.name,
    distros: parseDistros(o.vm),
    ...(hosts !== undefined ? { hosts } : {}),
    ...(numa !== undefined ? { numa } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    log: (line) => process.stderr.write(`lab: ${line}\n`),
  });
  for (const line of describeVmLab(lab)) print(line);
  print(`up in ${((Date.now() - started) / 1000).toFixed(1)} s; try:`);
  print(`  sysfleet check -i ${lab.inventoryPath} playbooks/nat-keepalive.yaml`);
  print(`  sysfleet lab reboot ${lab.hosts[0]!.name} --name ${lab.name}`);
  print(`  sysfleet lab down --name ${lab.name}`);
}

export async function vmReboot(host: string, name: string): Promise<void> {
  const ms = await openVmLab(name).reboot(host);
  print(`${host}: rebooted, sshd answers after ${(ms / 1000).toFixed(1)} s`);
}
