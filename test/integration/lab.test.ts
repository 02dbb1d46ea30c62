/**
 * Proves the lab: real sshd per host reachable only on loopback with strict host key checking,
 * per-host net.* sysctls and sysctl.d dirs, lab-only sudo user, every fault knob, clean teardown.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import net from 'node:net';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { registerLab } from '../../src/cli/lab.js';
import { randomLabName } from '../../src/lab/names.js';
import { labAvailable, labDown, labUp, openLab, ssh, type Lab } from './support/lab.js';
import { run } from '../../src/lab/proc.js';

const KEY = 'net.ipv4.tcp_keepalive_time';
const machineValue = (): string =>
  readFileSync('/proc/sys/net/ipv4/tcp_keepalive_time', 'utf8').trim();

async function hostValue(lab: Lab, host: string): Promise<string> {
  const r = await lab.exec(host, ['cat', '/proc/sys/net/ipv4/tcp_keepalive_time']);
  return r.stdout.trim();
}

/** Connect to a port; resolve with the first bytes received within `waitMs` ('' if none). */
function firstBytes(
  port: number,
  waitMs: number,
): Promise<{ data: string; ms: number; closedByPeer: boolean }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const s = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ data: '', ms: Date.now() - started, closedByPeer: false });
    }, waitMs);
    s.once('data', (d: Buffer) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ data: d.toString('utf8'), ms: Date.now() - started, closedByPeer: false });
    });
    s.once('end', () => {
      clearTimeout(timer);
      resolve({ data: '', ms: Date.now() - started, closedByPeer: true });
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function closeWaitCount(lab: Lab, host: string): Promise<number> {
  const r = await lab.exec(host, ['ss', '-Htan', 'state', 'close-wait']);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

async function sockstatTw(lab: Lab, host: string): Promise<number> {
  const r = await lab.exec(host, ['cat', '/proc/net/sockstat']);
  const m = /^TCP:.* tw (\d+)/m.exec(r.stdout);
  return Number(m?.[1] ?? -1);
}

/** The network namespace inodes of a lab's hosts (take them before `down`). */
function netnsInodes(lab: Lab): Set<number> {
  return new Set(
    [...lab.hosts, ...(lab.bastion ? [lab.bastion] : [])].map((h) => statSync(h.netnsPath).ino),
  );
}

/**
 * Everything a lab could leave behind, as seen from the machine: its namespaces, mounts under its
 * dir, processes running its scripts or living in its network namespaces, and the dir itself.
 * (Command lines merely mentioning the dir are not enough: another lab's host setup lists every
 * /run mount, ours included, in its own private namespace.)
 */
async function leftovers(lab: Lab, inodes: Set<number>): Promise<string[]> {
  const { name, dir } = lab;
  const found: string[] = [];
  const ns = await run('ip', ['netns', 'list']);
  found.push(...ns.stdout.split('\n').filter((l) => l.startsWith(`sf-${name}-`)));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  found.push(...mounts.split('\n').filter((l) => l.includes(dir)));
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (args.includes(`${dir}/agent.mjs`) || args.includes(`${dir}/sockets.mjs`)) {
        found.push(`${pid} ${args}`);
      }
      const net = /net:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`));
      if (net && inodes.has(Number(net[1]))) found.push(`${pid} in the lab netns: ${args}`);
    } catch {
      // the process ended while we looked
    }
  }
  if (existsSync(dir)) found.push(dir);
  return found;
}

describe.skipIf(!labAvailable)('lab of 5 hosts', () => {
  let lab: Lab;
  const machineBefore = machineValue();

  beforeAll(async () => {
    lab = await labUp({ hosts: 5, sudoPasswordHosts: 2 });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('reaches every host with system ssh and strict host key checking', async () => {
    for (const h of lab.hosts) {
      const r = await ssh(lab, h.name, `sysctl ${KEY}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(`${KEY} = ${await hostValue(lab, h.name)}`);
    }
  });

  it('runs each session inside its own host network namespace', async () => {
    const r = await ssh(lab, 'h02', 'readlink /proc/self/ns/net');
    const inode = statSync(lab.host('h02').netnsPath).ino;
    expect(r.stdout.trim()).toBe(`net:[${inode}]`);
  });

  it('keeps a sysctl written on one host out of the others and the machine', async () => {
    const before = await Promise.all(lab.hosts.map((h) => hostValue(lab, h.name)));
    const next = before[0] === '600' ? '601' : '600';
    const w = await ssh(lab, 'h01', `sysctl -w ${KEY}=${next}`);
    expect(w.code).toBe(0);
    expect(await hostValue(lab, 'h01')).toBe(next);
    for (const [i, h] of lab.hosts.entries()) {
      if (i > 0) expect(await hostValue(lab, h.name)).toBe(before[i]);
    }
    expect(machineValue()).toBe(machineBefore);
  });

  it('gives each host its own /etc/sysctl.d, backed by a dir on the machine', async () => {
    const file = 'zz-labtest.conf';
    const w = await ssh(lab, 'h02', `cat > /etc/sysctl.d/${file}`, { stdin: `${KEY} = 300\n` });
    expect(w.code).toBe(0);
    expect((await lab.exec('h02', ['cat', `/etc/sysctl.d/${file}`])).stdout).toBe(`${KEY} = 300\n`);
    expect(readFileSync(`${lab.host('h02').backing.etcSysctlD}/${file}`, 'utf8')).toContain('300');
    expect((await lab.exec('h03', ['ls', '/etc/sysctl.d'])).stdout).not.toContain(file);
    expect(existsSync(`/etc/sysctl.d/${file}`)).toBe(false);
    // and its own /var/lib/sysfleet and /run/sysctl.d, which the machine does not share
    const v = await ssh(lab, 'h02', 'touch /var/lib/sysfleet/mark /run/sysctl.d/mark && echo ok');
    expect(v.stdout.trim()).toBe('ok');
    expect(existsSync(`${lab.host('h02').backing.varLibSysfleet}/mark`)).toBe(true);
    expect(existsSync('/var/lib/sysfleet/mark')).toBe(false);
    expect((await lab.exec('h03', ['ls', '/var/lib/sysfleet'])).stdout).not.toContain('mark');
  });

  it('has a lab-only sudo user: NOPASSWD on some hosts, password on others', async () => {
    const nopw = lab.hosts.find((h) => h.sudo === 'nopasswd')!;
    const pw = lab.hosts.find((h) => h.sudo === 'password')!;
    expect(lab.hosts.filter((h) => h.sudo === 'password')).toHaveLength(2);
    const user = lab.users.nonRoot;
    expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(new RegExp(`^${user}:`, 'm'));

    const a = await ssh(lab, nopw.name, 'sudo -n id -u', { user });
    expect(a.stdout.trim()).toBe('0');
    const b = await ssh(lab, pw.name, 'sudo -n id -u', { user });
    expect(b.code).not.toBe(0);
    expect(b.stderr).toMatch(/password is required/);
    const c = await ssh(lab, pw.name, "sudo -S -p '' id -u", {
      user,
      stdin: lab.sudoPassword() + '\n',
    });
    expect(c.stdout.trim()).toBe('0');
    const d = await ssh(lab, pw.name, "sudo -S -p '' id -u", { user, stdin: 'wrong\n' });
    expect(d.code).not.toBe(0);
  });

  it('stop refuses connections; start accepts them again', async () => {
    const port = lab.host('h01').port;
    await lab.stop('h01');
    await expect(firstBytes(port, 1000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const r = await ssh(lab, 'h01', 'true');
    expect(r.stderr).toMatch(/Connection refused/);
    await lab.start('h01');
    expect((await ssh(lab, 'h01', 'echo back')).stdout.trim()).toBe('back');
  });

  it('blackhole accepts TCP but never sends a banner; undo restores sshd', async () => {
    const port = lab.host('h02').port;
    await lab.blackhole('h02');
    const silent = await firstBytes(port, 1500);
    expect(silent.data).toBe('');
    await lab.blackhole('h02', false);
    expect((await firstBytes(port, 5000)).data).toMatch(/^SSH-2\.0-OpenSSH/);
  });

  it('latency delays the banner measurably; 0 removes it', async () => {
    const port = lab.host('h03').port;
    await lab.latency('h03', 400);
    const slow = await firstBytes(port, 5000);
    expect(slow.data).toMatch(/^SSH-2\.0-/);
    expect(slow.ms).toBeGreaterThanOrEqual(380);
    const r = await ssh(lab, 'h03', 'echo slow-but-works');
    expect(r.stdout.trim()).toBe('slow-but-works');
    await lab.latency('h03', 0);
    const fast = await firstBytes(port, 5000);
    expect(fast.ms).toBeLessThan(slow.ms);
  });

  it('max-connections closes connections beyond the limit before the banner', async () => {
    const port = lab.host('h03').port;
    await lab.maxConnections('h03', 1);
    const busy = ssh(lab, 'h03', 'sleep 3');
    let sessions = 0;
    for (let i = 0; i < 100 && sessions < 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const st = (await lab.status()) as { hosts: { name: string; sessions: number }[] };
      sessions = st.hosts.find((h) => h.name === 'h03')?.sessions ?? 0;
    }
    expect(sessions).toBe(1);
    const refused = await firstBytes(port, 3000);
    expect(refused).toMatchObject({ data: '', closedByPeer: true });
    await lab.maxConnections('h03', 0);
    expect((await firstBytes(port, 5000)).data).toMatch(/^SSH-2\.0-/);
    expect((await busy).code).toBe(0);
  });

  it('read-only /etc/sysctl.d makes writes fail with EROFS, writable undoes it', async () => {
    await lab.sysctlDirReadOnly('h04');
    const r = await ssh(lab, 'h04', 'echo x > /etc/sysctl.d/ro-test.conf');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    await lab.sysctlDirReadOnly('h04', false);
    expect(
      (await ssh(lab, 'h04', 'echo x > /etc/sysctl.d/ro-test.conf && echo ok')).stdout.trim(),
    ).toBe('ok');
  });

  it('TIME_WAIT and CLOSE_WAIT sockets appear in that host only', async () => {
    const twBefore = await sockstatTw(lab, 'h05');
    await lab.timeWait('h04', 200);
    expect(await sockstatTw(lab, 'h04')).toBeGreaterThanOrEqual(200);
    expect(await sockstatTw(lab, 'h05')).toBeLessThan(twBefore + 200);

    const pid = await lab.closeWait('h05', 30);
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    expect(await closeWaitCount(lab, 'h05')).toBeGreaterThanOrEqual(30);
    expect(await closeWaitCount(lab, 'h04')).toBe(0);
    await lab.clearCloseWait('h05');
    expect(await closeWaitCount(lab, 'h05')).toBe(0);
  });

  it('rotating a host key breaks strict checking for that host only', async () => {
    await lab.rotateHostKey('h05');
    const r = await ssh(lab, 'h05', 'true');
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Host key verification failed/);
    expect((await ssh(lab, 'h04', 'echo ok')).stdout.trim()).toBe('ok');
  });

  it('down leaves no namespace, process, mount or file; a second down is harmless', async () => {
    const pid = await lab.closeWait('h01', 5);
    const busy = ssh(lab, 'h02', 'sleep 30');
    const inodes = netnsInodes(lab);
    const h02 = new Set([statSync(lab.host('h02').netnsPath).ino]);
    const sleeping = async (): Promise<boolean> =>
      (await leftovers(lab, h02)).some((l) => l.includes('in the lab netns: sleep 30'));
    for (let i = 0; i < 100 && !(await sleeping()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await sleeping()).toBe(true);
    await lab.down();
    expect(await leftovers(lab, inodes)).toEqual([]);
    expect((await busy).code).not.toBe(0);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    await lab.down();
  });
});

describe.skipIf(!labAvailable)('lab with a bastion', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await labUp({ hosts: 2, bastion: true });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('reaches hosts only through the bastion (ProxyJump on loopback)', async () => {
    const bastion = lab.bastion!;
    const h = lab.hosts[0]!;
    const r = await ssh(lab, h.name, 'readlink /proc/self/ns/net', {
      extra: ['-J', `root@127.0.0.1:${bastion.port}`],
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`net:[${statSync(h.netnsPath).ino}]`);
    await expect(firstBytes(h.port, 1000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const inv = readFileSync(lab.inventoryPath, 'utf8');
    expect(inv).toContain(`-o ProxyJump=root@127.0.0.1:${bastion.port}`);
  });

  it('a stopped host behind the bastion is refused inside the bastion too', async () => {
    const jump = { extra: ['-J', `root@127.0.0.1:${lab.bastion!.port}`] };
    const h = lab.hosts[1]!.name;
    await lab.stop(h);
    // -v reaches the jump ssh too; at the lab's LogLevel ERROR it would only say "stdio
    // forwarding failed".
    const r = await ssh(lab, h, 'true', { extra: ['-v', ...jump.extra] });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/open failed: connect failed: Connection refused/);
    await lab.start(h);
    expect((await ssh(lab, h, 'echo up', jump)).stdout.trim()).toBe('up');
  });
});

describe.skipIf(!labAvailable)('sysfleet lab (CLI)', () => {
  const name = randomLabName();
  const cli = async (...args: string[]): Promise<string> => {
    const program = new Command('sysfleet').exitOverride();
    registerLab(program);
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(['node', 'sysfleet', ...args]);
    } finally {
      spy.mockRestore();
    }
    return out;
  };
  beforeAll(() => {
    // so global teardown finds this lab too if the file dies before afterAll
    vi.stubEnv('SYSFLEET_LAB_OWNER', inject('labOwner'));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await labDown(name);
  });

  it('refuses to run without root', async () => {
    const uid = vi.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      await expect(cli('lab', 'up', '--hosts', '1', '--name', name)).rejects.toThrow(/needs root/);
    } finally {
      uid.mockRestore();
    }
    expect(existsSync(`/run/sysfleet-lab/${name}`)).toBe(false);
  });

  it('up, fault, status, down', async () => {
    const up = await cli('lab', 'up', '--hosts', '2', '--name', name);
    expect(up).toContain(`/run/sysfleet-lab/${name}/inventory.yaml`);
    const lab = openLab(name);
    expect(lab.hosts.map((h) => h.name)).toEqual(['h01', 'h02']);
    expect(readFileSync(`${lab.dir}/owner`, 'utf8')).toBe(inject('labOwner'));
    expect(up).not.toContain(lab.sudoPassword());

    await cli('lab', 'fault', 'stop', 'h01', '--name', name);
    await expect(firstBytes(lab.host('h01').port, 1000)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    const status = await cli('lab', 'status', '--name', name);
    expect(status).toMatch(/h01: stopped/);
    expect(status).not.toContain(lab.sudoPassword());
    expect(await cli('lab', 'status', '--name', name, '--secrets')).toContain(lab.sudoPassword());

    const inodes = netnsInodes(lab);
    await cli('lab', 'down', '--name', name);
    expect(await leftovers(lab, inodes)).toEqual([]);
  });
});
