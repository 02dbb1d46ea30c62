import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { HEADER_END, hostCode, hostFile, type HostFile } from './host/load.js';
import { programOf } from './fixtures.js';
import {
  renderApplyProgram,
  renderApplyScript,
  renderCollectScript,
  renderReadSnapshotScript,
  renderRollbackProgram,
  renderRollbackScript,
} from './script.js';
import type { ApplyRequest } from './types.js';
import { ScriptDataError } from './validate.js';
import { stripShellComments } from '../parse/shell-strip.js';

const RUN = '20261121T060000Z-c0de';
const base: ApplyRequest = {
  runId: RUN,
  by: 'sre@ctl',
  changes: [
    { key: 'net.ipv4.tcp_keepalive_time', to: '600', runtime: true },
    { key: 'net.ipv4.ip_local_port_range', to: '20000 60000', runtime: false },
  ],
  persistFile: { path: '/etc/sysctl.d/60-sysfleet.conf', content: "x = 'quoted' $(reboot)\n" },
};

describe('renderApplyScript', () => {
  it('wraps everything in one function so `go` on stdin is never parsed as script', () => {
    const s = renderApplyScript(base);
    expect(s.startsWith('sf_boot() {\n')).toBe(true);
    expect(s.endsWith('\n}\nsf_boot; exit $?\n')).toBe(true);
    // the program is one single-quoted word: written to the file the worker runs, then eval'd
    expect(programOf(s)).toBe(renderApplyProgram(base));
    expect(s).toContain(
      `printf '%s' "$SF_PROGRAM" >'/var/lib/sysfleet/work/${RUN}.apply.sh'; } 2>/dev/null`,
    );
    expect(s).toContain('\nset -- fg\neval "$SF_PROGRAM"\n}\n');
  });

  it('puts keys and values in a quoted heredoc, the file as base64 and as quoted-heredoc text', () => {
    const p = renderApplyProgram(base);
    expect(p).toContain(
      "sf_data_keys() {\nwhile IFS= read -r _sf_l; do printf '%s\\n' \"$_sf_l\"; done <<'SF_DATA_EOF'\nnet.ipv4.tcp_keepalive_time|1|600\nnet.ipv4.ip_local_port_range|0|20000 60000\nSF_DATA_EOF\n}",
    );
    expect(p).toContain(Buffer.from(base.persistFile!.content).toString('base64'));
    expect(p).toContain(`<<'SF_TEXT_EOF'\nx = 'quoted' $(reboot)\nSF_TEXT_EOF\n}\n`);
    // the content appears nowhere but inside that quoted heredoc
    expect(p.split('$(reboot)')).toHaveLength(2);
    expect(p).toContain("SF_FILE='/etc/sysctl.d/60-sysfleet.conf'");
    expect(p).toContain("SF_BY='sre@ctl'");
  });

  it('puts the file content in single quotes as base64 and literally in a quoted heredoc', () => {
    const content = "net.core.somaxconn = 4096\n# it's $(id) `id` \\\n".repeat(20);
    const p = renderApplyProgram({
      ...base,
      persistFile: { path: base.persistFile!.path, content },
    });
    const b64 = /\nsf_data_file\(\) \{ SF_J='([A-Za-z0-9+/=]*)'; \}\n/.exec(p)?.[1];
    expect(Buffer.from(b64 ?? '', 'base64').toString()).toBe(content);
    const text = /<<'SF_TEXT_EOF'\n([\s\S]*?)SF_TEXT_EOF\n\}\n/.exec(p)?.[1];
    expect(text).toBe(content);
    expect(p.split('$(id)')).toHaveLength(21);
  });

  it.each([
    ['without a final newline', 'a = 1'],
    ['with a NUL byte', 'a = 1\0\n'],
    ['with a line that would end the heredoc', 'a = 1\nSF_TEXT_EOF\nreboot\n'],
  ])('refuses file content %s', (_what, content) => {
    expect(() =>
      renderApplyScript({ ...base, persistFile: { path: base.persistFile!.path, content } }),
    ).toThrow(ScriptDataError);
  });

  it.each([
    ['key with a quote', { key: "net.ipv4.x'y", to: '1', runtime: true }],
    ['key with a slash', { key: 'net/ipv4/tcp_fin_timeout', to: '1', runtime: true }],
    ['key glob', { key: 'net.ipv4.*', to: '1', runtime: true }],
    ['value with $()', { key: 'net.ipv4.tcp_fin_timeout', to: '$(id)', runtime: true }],
    ['value with a newline', { key: 'net.ipv4.tcp_fin_timeout', to: '1\n2', runtime: true }],
    ['value with a pipe', { key: 'net.ipv4.tcp_fin_timeout', to: '1|2', runtime: true }],
  ])('refuses a %s', (_what, change) => {
    expect(() => renderApplyScript({ ...base, changes: [change] })).toThrow(ScriptDataError);
  });

  it.each([
    '/etc/sysctl.d/../passwd.conf',
    '/etc/sysctl.conf',
    '/usr/lib/sysctl.d/99-x.conf',
    "/etc/sysctl.d/a'b.conf",
    '/etc/sysctl.d/.hidden.conf',
    '/etc/sysctl.d/60-x',
  ])('refuses the persistent path %s', (path) => {
    expect(() => renderApplyScript({ ...base, persistFile: { path, content: '' } })).toThrow(
      ScriptDataError,
    );
  });

  it('refuses a bad run id, duplicate keys and an out-of-range go timeout', () => {
    expect(() => renderApplyScript({ ...base, runId: 'latest' })).toThrow(ScriptDataError);
    expect(() =>
      renderApplyScript({ ...base, changes: [base.changes[0]!, base.changes[0]!] }),
    ).toThrow(/duplicate/);
    expect(() => renderApplyScript({ ...base, goTimeoutSec: 0 })).toThrow(ScriptDataError);
  });

  it('sanitises the lock owner instead of refusing it', () => {
    expect(renderApplyProgram({ ...base, by: "eve'; rm -rf /" })).toContain(
      "SF_BY='eve___rm_-rf__'",
    );
  });
});

describe('renderRollbackScript', () => {
  it('renders snapshot and run values as data lines, files by index', () => {
    const s = renderRollbackProgram({
      runId: RUN,
      by: 'sre@ctl',
      force: true,
      keys: [
        {
          snapshot: { key: 'net.ipv4.ip_local_port_range', state: 'value', value: '32768 60999' },
          runValue: '20000 60000',
        },
        { snapshot: { key: 'net.ipv4.tcp_tw_recycle', state: 'absent' } },
      ],
      files: [
        {
          snapshot: {
            path: '/etc/sysctl.d/60-a.conf',
            state: 'present',
            mode: '640',
            uid: 0,
            gid: 4,
            contentBase64: 'IyBvbGQK',
          },
          runContentBase64: 'bmV3Cg==',
        },
        { snapshot: { path: '/etc/sysctl.d/60-b.conf', state: 'absent' } },
      ],
    });
    expect(s).toContain('net.ipv4.ip_local_port_range|value|1|20000 60000|32768 60999\n');
    expect(s).toContain('net.ipv4.tcp_tw_recycle|absent|0||\n');
    expect(s).toContain(
      '1|/etc/sysctl.d/60-a.conf|present|640|0|4|1\n2|/etc/sysctl.d/60-b.conf|absent||||0\n',
    );
    expect(s).toContain("sf_data_rfile_snap_1() { SF_J='IyBvbGQK'; }\n");
    expect(s).toContain("sf_data_rfile_snap_2() { SF_J=''; }\n");
    expect(s).toContain('SF_FORCE=1');
    // the run content 'new\n' as text too, for the builtin comparison; none for file 2
    expect(s).toContain('sf_data_rfile_runtext_1() {\nSF_T=\nwhile IFS= read -r _sf_l;');
    expect(s).toContain("<<'SF_TEXT_EOF'\nnew\nSF_TEXT_EOF\n}\n");
    expect(s).toContain('sf_data_rfile_runtext_2() { return 1; }\n');
  });

  it('gives run content without an exact text form only as base64', () => {
    const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
    const runText = (runContentBase64: string) =>
      renderRollbackProgram({
        runId: RUN,
        by: 'x',
        force: false,
        keys: [],
        files: [{ snapshot: { path: '/etc/sysctl.d/a.conf', state: 'absent' }, runContentBase64 }],
      });
    for (const odd of [
      b64('no newline at the end'),
      b64('a\nSF_TEXT_EOF\nb\n'),
      b64('nul\0\n'),
      b64(Buffer.from([0xff, 0x0a])), // not UTF-8
    ]) {
      const s = runText(odd);
      expect(s).toContain('sf_data_rfile_runtext_1() { return 1; }\n');
      expect(s).toContain(`sf_data_rfile_run_1() { SF_J='${odd}'; }\n`);
    }
  });

  it('refuses a snapshot whose mode or base64 is not what the host printed', () => {
    const file = (mode: string, contentBase64: string) => ({
      runId: RUN,
      by: 'x',
      force: false,
      keys: [],
      files: [
        {
          snapshot: {
            path: '/etc/sysctl.d/a.conf',
            state: 'present' as const,
            mode,
            uid: 0,
            gid: 0,
            contentBase64,
          },
        },
      ],
    });
    expect(() => renderRollbackScript(file('0644; id', 'AA=='))).toThrow(ScriptDataError);
    expect(() => renderRollbackScript(file('644', "AA'$(id)"))).toThrow(ScriptDataError);
  });
});

describe('read-only programs', () => {
  it('validate the run id they embed', () => {
    expect(renderCollectScript(RUN)).toContain(`SF_RUN='${RUN}'\nSF_MODE=apply`);
    expect(renderCollectScript(RUN, 'rollback')).toContain('SF_MODE=rollback');
    expect(() => renderReadSnapshotScript('../../etc/shadow')).toThrow(ScriptDataError);
  });
});

describe('host program sources', () => {
  const dir = new URL('./host/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.sh')) as HostFile[];
  it('are the eight .sh files, each with its header end line', () => {
    expect(files.sort()).toEqual(
      [
        'apply.sh',
        'collect.sh',
        'lib.sh',
        'list-snapshots.sh',
        'prune.sh',
        'read-snapshot.sh',
        'rollback.sh',
        'runner.sh',
      ].sort(),
    );
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      expect(text.split(HEADER_END), f).toHaveLength(2);
      // what goes to hosts: the code after the header, without its comment lines
      expect(hostFile(f)).toBe(stripShellComments(hostCode(text)));
    }
    expect(() => hostCode('echo no header\n', 'x.sh')).toThrow('x.sh: no header end line');
  });
  it.each(files)('%s uses no bashisms we can spot', (name) => {
    const src = hostFile(name);
    expect(src).not.toMatch(/\[\[|function |local |<<<|\$'|\[ [^\]\n]* == /);
    // POSIX expansions only: ${x#p} ${x%%p} ${x:+w} ...; not ${x/a/b} ${x:1:2} ${!x} ${x^^} ${x[0]}
    expect(src).not.toMatch(/\$\{!|\$\{#?[A-Za-z_][A-Za-z0-9_]*(\/|:[0-9 ]|\^|,|\[)/);
    expect(src).not.toMatch(/SF_DATA_EOF|SF_TEXT_EOF/);
  });
});

/** Variables a shell function assigns: `x=`, `for x in`, `read ... x y`. */
function assignedByFunction(src: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of src.matchAll(/^([a-z_][a-z0-9_]*)\(\) \{([\s\S]*?)^\}/gm)) {
    const vars = new Set<string>();
    const body = m[2]!;
    for (const a of body.matchAll(/(?:^|[\s;{(])(_[a-z0-9_]+)=/g)) vars.add(a[1]!);
    for (const a of body.matchAll(/\bfor (_[a-z0-9_]+) in/g)) vars.add(a[1]!);
    for (const a of body.matchAll(/\bread -r ([_a-z0-9 ]+)/g))
      for (const v of a[1]!.split(' ')) if (v.startsWith('_')) vars.add(v);
    out.set(m[1]!, vars);
  }
  return out;
}

describe('shell helper variables', () => {
  it('no lib.sh helper assigns a temporary that another function also uses', () => {
    const lib = assignedByFunction(hostFile('lib.sh'));
    const all = new Map<string, Set<string>>([
      ...lib,
      ...assignedByFunction(hostFile('runner.sh')),
      ...assignedByFunction(hostFile('apply.sh')),
      ...assignedByFunction(hostFile('rollback.sh')),
      ...assignedByFunction(hostFile('prune.sh')),
    ]);
    expect(lib.size).toBeGreaterThan(20);
    const clashes: string[] = [];
    for (const [fn, vars] of lib) {
      for (const v of vars) {
        for (const [other, theirs] of all) {
          if (other !== fn && theirs.has(v)) clashes.push(`${v}: ${fn} and ${other}`);
        }
      }
    }
    expect(clashes).toEqual([]);
  });
});
