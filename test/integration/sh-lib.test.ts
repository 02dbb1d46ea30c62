/**
 * The shell library every host program uses (src/apply/host/lib.sh), function by function, under
 * dash, busybox sh and bash. Each case runs in a throwaway network namespace of its own
 * (`unshare -n`), so the net.* writes below reach only that namespace, which ends with the shell.
 * Needs root; skipped when not root outside CI, and FAILS in CI when not root or a shell is missing.
 */
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostFile } from '../../src/apply/host/load.js';
import { inCi, runsAsRoot, SHELL_BINARIES } from './support/shells.js';

const root = runsAsRoot;
const { dash, busybox, bash } = SHELL_BINARIES;
const SHELLS: Record<string, string[] | undefined> = {
  dash: dash ? [dash] : [],
  busybox: busybox ? [`${busybox} sh`] : [],
  bash: bash ? [bash] : [],
};
/** iproute2's ip by path: busybox's sh may prefer its own applet, which knows no veth peers. */
const IP =
  ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p)) ?? 'ip';
const work = mkdtempSync(join(tmpdir(), 'sf-shlib-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run lib.sh + SNIPPET under SHELL in a new netns; the `name=value` lines it prints. */
function run(shell: string, snippet: string): Record<string, string> {
  const [cmd, ...args] = shell.split(' ');
  const r = spawnSync('unshare', ['-n', cmd!, ...args, '-s'], {
    input: `SF_W='${work}/w'\n${hostFile('lib.sh')}\n${snippet}\n`,
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

const procSys = (key: string) => `/proc/sys/${key.replaceAll('.', '/')}`;

describe.skipIf(!root && !inCi)('sh-lib functions (real shells)', () => {
  it('has root and all three shells (required in CI)', () => {
    expect(root).toBe(true);
    for (const [name, found] of Object.entries(SHELLS)) expect(found?.length, name).toBe(1);
  });

  describe.each(Object.keys(SHELLS))('under %s', (name) => {
    const shell = SHELLS[name]![0]!;

    it('sf_norm: fields joined by one space, integers as numbers, nothing globbed', () => {
      const cases: [string, string][] = [
        ['007', '7'],
        ['-0', '0'],
        ['+5', '5'],
        ['-007', '-7'],
        ['000', '0'],
        ['4096\t87380   6291456', '4096 87380 6291456'],
        ['cubic', 'cubic'],
        ['-', '-'],
        ['', ''],
        ['00 x0 0x10 1.50', '0 x0 0x10 1.50'],
        ['*', '*'],
      ];
      const snippet = cases
        .map(([v], i) => `sf_norm '${v}'; printf 'n${i}=%s\\n' "$SF_N"`)
        .join('\n');
      const out = run(shell, `cd /; ${snippet}`);
      cases.forEach(([input, want], i) => expect(out[`n${i}`], JSON.stringify(input)).toBe(want));
    });

    it('sf_key_path and sf_lock_field', () => {
      const out = run(
        shell,
        `sf_key_path net.ipv4.conf.all.rp_filter; echo "p=$SF_P"
         sf_lock_field 'run=r1;by=a@b;pid=42;start=99;time=7;mode=apply' pid; echo "pid=$SF_LF"
         sf_lock_field 'run=r1;by=a@b;pid=42;start=99;time=7;mode=apply' mode; echo "mode=$SF_LF"
         sf_lock_field 'run=r1;by=a@b' start; echo "start=[$SF_LF]"`,
      );
      expect(out).toMatchObject({
        p: '/proc/sys/net/ipv4/conf/all/rp_filter',
        pid: '42',
        mode: 'apply',
        start: '[]',
      });
    });

    it('sf_key_path and sf_write_key: real interface names (VLAN dot, bond, veth, _ and -)', () => {
      // veth pairs in this case's own throwaway netns, named as real hosts name their links.
      const ifaces = ['eth0.100', 'bond0', 'veth-x', 'br_lan', 'vlan-a_1.7', 'enp0s31f6'];
      const dotted = (i: string) => `net.ipv4.conf.${i.replace(/\./g, '/')}.rp_filter`;
      const out = run(
        shell,
        `set -- ${ifaces.join(' ')}
         while [ $# -gt 1 ]; do ${IP} link add "$1" type veth peer name "$2" || echo "link_failed=$1"; shift 2; done
         ${ifaces
           .map(
             (i, n) =>
               `sf_key_path ${dotted(i)}; echo "p${n}=$SF_P"
         sf_write_key ${dotted(i)} 2; echo "w${n}=$?|$SF_V|$SF_ERR"
         echo "cat${n}=$(cat /proc/sys/net/ipv4/conf/${i}/rp_filter)"`,
           )
           .join('\n')}`,
      );
      expect(out.link_failed).toBeUndefined();
      ifaces.forEach((i, n) => {
        expect(out[`p${n}`], i).toBe(`/proc/sys/net/ipv4/conf/${i}/rp_filter`);
        expect(out[`w${n}`], i).toBe('0|2|');
        expect(out[`cat${n}`], i).toBe('2');
      });
    });

    it("sf_lookup: a path's lines joined, prefixes kept apart, absent paths fail", () => {
      const out = run(
        shell,
        `SF_VALUES='/p/a:1
/p/b:x	y
/p/b:z
/p/bb:9
/p/c:'
         SF_VALUES_NL="$SF_NL$SF_VALUES$SF_NL"
         for p in /p/a /p/b /p/bb /p/c /p/d; do
           if sf_lookup $p; then echo "$p=[$SF_LV]"; else echo "$p=none"; fi
         done`,
      );
      expect(out).toMatchObject({
        '/p/a': '[ 1]',
        '/p/b': '[ x\ty z]',
        '/p/bb': '[ 9]',
        '/p/c': '[ ]',
        '/p/d': 'none',
      });
    });

    it('sf_starttime: field 22 of /proc/PID/stat, read with builtins', () => {
      const out = run(
        shell,
        `sleep 5 & p=$!; sf_starttime $p; echo "pid=$p"; echo "st=$SF_START"
        cat /proc/$p/stat | sed 's/^.*) //' | cut -d ' ' -f 20 | sed 's/^/want=/'; kill $p`,
      );
      expect(out.st).toMatch(/^[0-9]+$/);
      expect(out.st).toBe(out.want);
      const gone = run(shell, 'sf_starttime 999999999; echo "st=[$SF_START]"');
      expect(gone.st).toBe('[]');
    });

    it('sf_under_timeout: yes under timeout, also through a process between (sudo), else no', () => {
      writeFileSync(join(work, 'lib.sh'), hostFile('lib.sh'));
      const probe = `. ${work}/lib.sh; sf_under_timeout && echo yes || echo no`;
      const out = run(
        shell,
        `echo "bare=$(sf_under_timeout && echo yes || echo no)"
         echo "direct=$(timeout 10 ${shell} -c '${probe}')"
         echo "between=$(timeout 10 sh -c "${shell} -c '${probe}'; true")"
         echo "other=$(nice ${shell} -c '${probe}')"`,
      );
      expect(out).toMatchObject({ bare: 'no', direct: 'yes', between: 'yes', other: 'no' });
    });

    it('sf_text_of and sf_put_text: byte-exact text with builtins, mode 644, owner kept', () => {
      const text = "a 'q' \\n $(id) `id`\t \n\n  lead\nlast without newline";
      writeFileSync(join(work, 'src.txt'), text);
      writeFileSync(join(work, 'theirs.conf'), 'old\n');
      chownSync(join(work, 'theirs.conf'), 4242, 4343);
      rmSync(join(work, 'new.conf'), { force: true });
      const out = run(
        shell,
        `SF_RUN=t; umask 077
         sf_text_of ${work}/src.txt; echo "read=$?"; SF_T=$SF_TXT
         sf_put_text ${work}/new.conf; echo "new=$?"
         sf_put_text ${work}/theirs.conf 4242 4343; echo "theirs=$?"
         sf_text_of ${work}/new.conf && [ "$SF_TXT" = "$SF_T" ] && echo same=1
         sf_text_of ${work}/missing.conf; echo "missing=$?"
         echo "umask=$(umask)"; ls -A ${work} | grep -c sysfleet | sed 's/^/temps=/'`,
      );
      expect(out).toMatchObject({ read: '0', new: '0', theirs: '0', same: '1', missing: '1' });
      expect(out.umask).toMatch(/^0*77$/);
      expect(out.temps).toBe('0');
      for (const f of ['new.conf', 'theirs.conf']) {
        expect(readFileSync(join(work, f), 'utf8')).toBe(text);
        expect((statSync(join(work, f)).mode & 0o777).toString(8)).toBe('644');
      }
      expect([statSync(join(work, 'new.conf')).uid, statSync(join(work, 'new.conf')).gid]).toEqual([
        0, 0,
      ]);
      expect([
        statSync(join(work, 'theirs.conf')).uid,
        statSync(join(work, 'theirs.conf')).gid,
      ]).toEqual([4242, 4343]);
    });

    it('sf_read_keys_of + sf_read_key: one grep, then value / absent / unreadable', () => {
      const out = run(
        shell,
        `printf '%s|x|y\n' net.ipv4.tcp_keepalive_time net.ipv4.tcp_rmem net.ipv4.no_such_key net.ipv4.conf net.ipv4.route.flush >"$SF_W.keys"
         sf_read_keys_of "$SF_W.keys"
         sf_lookup /proc/sys/net/ipv4/tcp_rmem; echo "grep_read_rmem=$?"
         for k in net.ipv4.tcp_keepalive_time net.ipv4.tcp_rmem net.ipv4.no_such_key net.ipv4.conf net.ipv4.route.flush; do
           sf_read_key $k; echo "$k=$SF_ST|$SF_V|$SF_ERR"
         done`,
      );
      const keepalive = readFileSync(procSys('net.ipv4.tcp_keepalive_time'), 'utf8').trim();
      const rmem = readFileSync(procSys('net.ipv4.tcp_rmem'), 'utf8').trim().split(/\s+/);
      expect(out.grep_read_rmem, 'the value came from the one grep, not a fallback').toBe('0');
      expect(out['net.ipv4.tcp_keepalive_time']).toBe(`value|${keepalive}|`);
      expect(out['net.ipv4.tcp_rmem']).toBe(`value|${rmem.join(' ')}|`);
      expect(out['net.ipv4.no_such_key']).toBe('absent||');
      expect(out['net.ipv4.conf']).toBe('unreadable||Is a directory');
      expect(out['net.ipv4.route.flush']).toBe('unreadable||Permission denied');
    });

    it('sf_put_key / sf_write_key: builtin write, read back as numbers, errno text on refusal', () => {
      const out = run(
        shell,
        `sf_write_key net.ipv4.tcp_keepalive_time 600; echo "ok=$?|$SF_V|$SF_ERR"
         sf_write_key net.ipv4.tcp_keepalive_time '  601 '; echo "spaces=$?|$SF_V|$SF_ERR"
         sf_write_key net.ipv4.tcp_keepalive_time 0600; echo "octal=$?|$SF_V|$SF_ERR"
         sf_write_key net.ipv4.ip_local_port_range '60000 1000'; echo "einval=$?|$SF_V|$SF_ERR"
         sf_write_key net.ipv4.no_such_key 1; echo "enoent=$?|$SF_V|$SF_ERR"
         sf_put_key net.ipv4.tcp_fin_timeout 33; echo "put=$?"
         sf_put_key net.ipv4.tcp_keepalive_intvl 44; echo "put2=$?"
         sf_read_keys net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_intvl
         sf_check_key net.ipv4.tcp_fin_timeout 33; echo "check=$?|$SF_V"
         sf_check_key net.ipv4.tcp_keepalive_intvl 45; echo "mismatch=$?|$SF_V|$SF_ERR"`,
      );
      expect(out.ok).toBe('0|600|');
      expect(out.spaces).toBe('0|601|');
      // the kernel reads a leading zero as octal: read-back is what catches it (playbooks refuse it)
      expect(out.octal).toBe("1|384|read back '384', wanted '0600'");
      expect(out.einval).toMatch(/^1\|[0-9]+ [0-9]+\|Invalid argument$/);
      expect(out.enoent).toMatch(/^1\|\|No such file or directory/);
      expect(out).toMatchObject({ put: '0', put2: '0', check: '0|33' });
      expect(out.mismatch).toBe("1|44|read back '44', wanted '45'");
    });

    it('sf_fs_pair and sf_space_check: two directories in two stats, the same as sf_fs says', () => {
      const sub = join(work, 'same-fs');
      mkdirSync(sub, { recursive: true });
      const freeK = (d: string) => {
        const f = statfsSync(d);
        return Math.floor((f.bavail * f.bsize) / 1024);
      };
      const big = Math.floor(freeK(work) * 0.6) * 1024; // fits alone, not twice
      const out = run(
        shell,
        `sf_fs_pair '${work}' /dev/shm; echo "pair=$?|$SF_FREE_K|$SF_BS|$SF_DEV|$SF_FREE_K2|$SF_BS2|$SF_DEV2"
         sf_fs_pair '${work}' '${work}/none'; echo "pairmissing=$?"
         sf_space_check '${work}' ${big} 1; echo "alone=$?|$SF_ERR"
         sf_space_check '${work}' ${big} 1 '${sub}' ${big} 1; echo "samefs=$?|$SF_ERR"
         sf_space_check '${work}' ${big} 1 /dev/shm 1000 1; echo "twofs=$?|$SF_ERR"
         sf_space_check '${work}' 1000 1 /dev/shm 999999999999999 1; echo "second=$?|$SF_ERR"
         sf_space_check '${work}' 1000 1 '${work}/none' 999999999999999 1; echo "unmeasured=$?|$SF_ERR"`,
      );
      const [rc, k1, bs1, dev1, k2, bs2, dev2] = out.pair!.split('|');
      expect(rc).toBe('0');
      expect(Number(dev1)).toBe(statSync(work).dev);
      expect(Number(dev2)).toBe(statSync('/dev/shm').dev);
      expect(Number(bs1)).toBe(statfsSync(work).bsize);
      expect(Number(bs2)).toBe(statfsSync('/dev/shm').bsize);
      // free space moves while other tests write: within 256 MiB
      expect(Math.abs(Number(k1) - freeK(work))).toBeLessThan(256 * 1024);
      expect(Math.abs(Number(k2) - freeK('/dev/shm'))).toBeLessThan(256 * 1024);
      expect(out.pairmissing).toBe('1');
      expect(out.alone).toBe('0|');
      // one filesystem: the two needs add up, and the message names the first directory
      expect(out.samefs).toMatch(new RegExp(`^1\\|no space left on ${work}: \\d+ KiB free`));
      expect(out.twofs).toBe('0|');
      expect(out.second).toMatch(/^1\|no space left on \/dev\/shm: \d+ KiB free, \d+ KiB needed$/);
      // a directory stat cannot measure passes (every write is still checked)
      expect(out.unmeasured).toBe('0|');
    });
  });
});
