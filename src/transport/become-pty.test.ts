import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PTY_DIR_PREFIX, PtyScanner, ptyBecomeCommands, ptyFailureMessage } from './become-pty.js';

const nonce = '0123456789abcdef0123456789abcdef';
const marker = `sysfleet-${nonce}`;

describe('ptyBecomeCommands', () => {
  const su = ptyBecomeCommands({ method: 'su', becomeUser: 'root', command: "cat '/x'", nonce });
  const doas = ptyBecomeCommands({ method: 'doas', becomeUser: 'root', command: 'id', nonce });

  it('names one private directory and the markers after the nonce', () => {
    expect(su.dir).toBe(`${PTY_DIR_PREFIX}${nonce}`);
    expect(su.marker).toBe(marker);
    expect(su.cleanup).toBe(`rm -rf ${PTY_DIR_PREFIX}${nonce}`);
    expect(su.wrapper).toContain('mkdir -m 700 "$D" || exit 125');
    expect(su.wrapper).toContain(`mkfifo -m 600 ${su.dir}/in ${su.dir}/out ${su.dir}/err`);
  });

  it('refuses a nonce that is not 32 hex digits (it lands in the commands)', () => {
    for (const bad of ['', 'x'.repeat(32), `${nonce}; rm -rf /`, nonce.toUpperCase()]) {
      expect(() =>
        ptyBecomeCommands({ method: 'su', becomeUser: 'root', command: 'id', nonce: bad }),
      ).toThrow(/nonce/);
    }
  });

  it('sets the cleanup traps only after mkdir succeeded (never removes a directory it did not make)', () => {
    const lines = su.wrapper.split('\n');
    const mkdir = lines.findIndex((l) => l.startsWith('mkdir '));
    const trap = lines.findIndex((l) => l.startsWith('trap '));
    expect(mkdir).toBeGreaterThanOrEqual(0);
    expect(trap).toBeGreaterThan(mkdir);
    for (const sig of ['EXIT', 'HUP', 'INT', 'TERM'])
      expect(su.wrapper).toMatch(new RegExp(`trap '[^']*rm -rf "\\$D"[^']*' ${sig}`));
  });

  it('su: hands the FIFOs on as fds 3-5 and removes the directory before authenticating', () => {
    const lines = su.wrapper.split('\n');
    const open = lines.indexOf('exec 3<"$D/in" 4>"$D/out" 5>"$D/err"');
    expect(open).toBeGreaterThan(lines.findIndex((l) => l.includes(':ready')));
    expect(lines[open + 1]).toBe('rm -rf "$D"');
    expect(lines.at(-1)).toMatch(/^LC_ALL=C su -c '.*' root$/);
    expect(su.wrapper).toContain('unset LC_ALL;');
  });

  it('doas: opens the FIFOs by path as root (doas closes inherited fds), then removes them', () => {
    expect(doas.wrapper.split('\n').at(-1)).toMatch(/^LC_ALL=C doas -u root -- sh -c '/);
    expect(doas.wrapper).toContain(
      `exec 6<>${doas.dir}/in 3<${doas.dir}/in 6>&- 4<>${doas.dir}/out 5<>${doas.dir}/err || exit 125; rm -rf ${doas.dir};`,
    );
  });

  it('the data channel copies stdin in and out/err back, and never waits for unread stdin', () => {
    expect(su.data).toContain(`D=${su.dir}`);
    expect(su.data).toContain('cat "$D/out" & o=$!');
    expect(su.data).toContain('cat "$D/err" >&2 & e=$!');
    expect(su.data).toContain('cat >"$D/in" <&3 3<&- 2>/dev/null & i=$!');
    expect(su.data).toContain('kill "$i"');
  });

  it('every program is valid sh (dash -n), and the command survives the nested quoting', () => {
    const tricky = `printf '%s\\n' "it's" \\$HOME; echo "a'b"`;
    const c = ptyBecomeCommands({ method: 'su', becomeUser: 'postgres', command: tricky, nonce });
    for (const prog of [c.wrapper, c.data, doas.wrapper]) {
      expect(() => execFileSync('sh', ['-n', '-c', prog])).not.toThrow();
    }
    // the last line's INNER, unquoted by a real shell, runs exactly `tricky` under sh -c
    const inner = execFileSync('sh', [
      '-c',
      `set -- ${c.wrapper
        .split('\n')
        .at(-1)!
        .replace(/^LC_ALL=C su /, '')}; printf %s "$2"`,
    ]).toString();
    expect(inner).toContain(`sh -c '${tricky.replace(/'/g, `'\\''`)}'`);
  });
});

describe('PtyScanner', () => {
  it('reports ready, one prompt after it, ok and the exit status, across chunk boundaries', () => {
    const s = new PtyScanner(marker);
    expect(s.feed('Password: ')).toEqual([]); // before `ready`: never answered
    const events = [
      ...s.feed(`\r\n${marker}:re`),
      ...s.feed('ady\r\n'),
      ...s.feed('Pass'),
      ...s.feed('word: '),
      ...s.feed(`\r\n${marker}:ok\r\n`),
      ...s.feed(`${marker}:rc:3\r\n`),
    ];
    expect(events).toEqual([
      { type: 'ready' },
      { type: 'prompt' },
      { type: 'ok' },
      { type: 'rc', code: 3 },
    ]);
  });

  it("recognises doas's prompt and reports a second prompt again", () => {
    const s = new PtyScanner(marker);
    s.feed(`${marker}:ready\n`);
    expect(s.feed('\rdoas (ops@web1) password: ')).toEqual([{ type: 'prompt' }]);
    expect(s.feed('\r\n')).toEqual([]);
    expect(s.feed('\rdoas (ops@web1) password: ')).toEqual([{ type: 'prompt' }]);
  });

  it('after ok, nothing on the terminal counts as a prompt; a forged marker of another nonce is text', () => {
    const s = new PtyScanner(marker);
    s.feed(`${marker}:ready\n${marker}:ok\n`);
    expect(s.feed('Password: ')).toEqual([]);
    const t = new PtyScanner(marker);
    expect(t.feed(`sysfleet-ffffffffffffffffffffffffffffffff:ok\n`)).toEqual([]);
    expect(t.transcript()).toEqual(['sysfleet-ffffffffffffffffffffffffffffffff:ok']);
  });

  it('keeps the words for the error message, markers left out', () => {
    const s = new PtyScanner(marker);
    s.feed(`${marker}:ready\r\nPassword: \r\nsu: Authentication failure\r\n`);
    expect(s.transcript()).toEqual(['Password:', 'su: Authentication failure']);
  });
});

describe('ptyFailureMessage', () => {
  const base = { host: 'web1', becomeUser: 'root', exit: 1, secret: 'hunter2' };
  it('a rejected password, with su’s words and whose password it wanted', () => {
    expect(
      ptyFailureMessage({
        ...base,
        method: 'su',
        transcript: ['Password:', 'su: Authentication failure'],
        passwordSent: true,
      }),
    ).toBe("su on web1 rejected the become password (root's password): su: Authentication failure");
    expect(
      ptyFailureMessage({
        ...base,
        method: 'doas',
        transcript: ['doas (ops@web1) password:', 'doas: Authentication failed'],
        passwordSent: true,
      }),
    ).toBe(
      'doas on web1 rejected the become password (the login password): doas: Authentication failed',
    );
  });
  it('anything else names the exit and the words, and never shows the password', () => {
    expect(
      ptyFailureMessage({
        ...base,
        method: 'su',
        transcript: ['echoed hunter2', 'su: user root does not exist'],
        passwordSent: false,
      }),
    ).toBe('web1: su to root failed (exit 1): echoed *** / su: user root does not exist');
  });
});
