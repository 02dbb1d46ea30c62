import { describe, expect, it } from 'vitest';
import {
  becomeProbe,
  classifySudoFailure,
  otherBecomeError,
  otherNeedsPassword,
  planBecome,
  shellQuote,
  sudoError,
} from './become.js';
import { TransportError } from './types.js';

const base = { host: 'web1', loginUser: 'deploy', becomeUser: 'root' };

describe('planBecome', () => {
  it('runs the command unchanged when already the become user', () => {
    expect(planBecome('sh -s', { ...base, loginUser: 'root' })).toEqual({ command: 'sh -s' });
  });

  it('wraps in non-interactive sudo without a password', () => {
    expect(planBecome("cat '/proc/x'", base)).toEqual({
      command: `sudo -n -u root -- sh -c 'cat '\\''/proc/x'\\'''`,
    });
  });

  it('sends the password as the first stdin line, never in the command', () => {
    const plan = planBecome('sh -s', { ...base, password: 's3cr3t pass' });
    expect(plan.command).toBe(`sudo -k -S -p '' -u root -- sh -c 'sh -s'`);
    expect(plan.command).not.toContain('s3cr3t');
    expect(plan.stdinPrefix?.toString()).toBe('s3cr3t pass\n');
  });

  it('refuses become users outside the strict pattern', () => {
    for (const bad of ['Root', 'root;id', '-u', '', 'a b']) {
      expect(() => planBecome('true', { ...base, becomeUser: bad })).toThrow(TransportError);
    }
    expect(planBecome('true', { ...base, becomeUser: 'svc_app-1' }).command).toContain(
      '-u svc_app-1',
    );
  });

  it('refuses a password with a newline (sudo would read only part of it)', () => {
    expect(() => planBecome('true', { ...base, password: 'a\nb' })).toThrow(/newline/);
  });

  it('probes in the C locale', () => {
    expect(becomeProbe(base).command).toBe(`LC_ALL=C sudo -n -u root -- sh -c 'true'`);
  });
});

describe('shellQuote', () => {
  it('survives embedded single quotes', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('classifySudoFailure', () => {
  it('recognises sudo messages', () => {
    expect(classifySudoFailure('sudo: a password is required\n', 1)).toBe('password_required');
    expect(classifySudoFailure('sudo: a terminal is required to read the password', 1)).toBe(
      'password_required',
    );
    expect(classifySudoFailure('Sorry, try again.\nsudo: 1 incorrect password attempt', 1)).toBe(
      'password_wrong',
    );
    expect(classifySudoFailure('deploy is not in the sudoers file.', 1)).toBe('not_allowed');
    expect(classifySudoFailure('sh: 1: sudo: not found', 127)).toBe('no_sudo');
    expect(classifySudoFailure('', 0)).toBeUndefined();
    expect(classifySudoFailure('some other failure', 1)).toBeUndefined();
  });

  it('builds the message the operator needs', () => {
    const e = sudoError('web1', 'password_required', 'root');
    expect(e.kind).toBe('become');
    expect(e.message).toBe(
      'sudo requires a password on web1: set SYSFLEET_BECOME_PASSWORD or use --ask-become-pass',
    );
  });
});

describe('su and doas', () => {
  const base = { host: 'h', loginUser: 'ops', becomeUser: 'root' } as const;
  it('doas runs non-interactively (-n): a password prompt would hang on a pipe', () => {
    expect(planBecome('id -u', { ...base, method: 'doas' })).toEqual({
      command: `doas -n -u root -- sh -c 'id -u'`,
    });
  });
  it('su runs the fixed command through sh, stdin untouched (the scripts arrive on it)', () => {
    expect(planBecome(`echo 'x'`, { ...base, becomeUser: 'postgres', method: 'su' })).toEqual({
      command: `su -c 'sh -c '\\''echo '\\''\\'\\'''\\''x'\\''\\'\\'''\\'''\\''' postgres`,
    });
  });
  it('with a password, su/doas go through a terminal: the password is in the plan, never the command', () => {
    for (const method of ['su', 'doas'] as const) {
      const plan = planBecome("echo 'x'", { ...base, method, password: 's3cr3t pw' });
      expect(plan).toEqual({
        command: "echo 'x'",
        pty: { method, becomeUser: 'root', password: 's3cr3t pw' },
      });
      expect(plan.stdinPrefix).toBeUndefined();
    }
    expect(
      planBecome('id', { ...base, becomeUser: 'postgres', method: 'su', password: 'p' }).pty,
    ).toEqual({ method: 'su', becomeUser: 'postgres', password: 'p' });
  });
  it('refuses passwords a terminal would mangle, and doas with a password to a non-root user', () => {
    for (const pw of ['a\nb', 'a\rb', 'a\u0003b', 'a\u007fb', 'x'.repeat(1001)]) {
      expect(() => planBecome('true', { ...base, method: 'su', password: pw })).toThrow(
        /become password for h (has a|is longer)/,
      );
    }
    expect(() =>
      planBecome('true', { ...base, becomeUser: 'postgres', method: 'doas', password: 'p' }),
    ).toThrow(/doas with a password on h can become root only, not postgres/);
  });
  it('tells a probe that wants a password from other failures', () => {
    expect(otherNeedsPassword('su: Authentication failure', 1)).toBe(true);
    expect(otherNeedsPassword('doas: Authentication required', 1)).toBe(true);
    expect(otherNeedsPassword('doas: Operation not permitted', 1)).toBe(false);
    expect(otherNeedsPassword('sh: 1: su: not found', 127)).toBe(false);
    expect(otherNeedsPassword('', 0)).toBe(false);
  });
  it('names why su/doas failed on the probe', () => {
    expect(otherBecomeError('h', 'doas', 'root', 'sh: 1: doas: not found', 127)?.message).toBe(
      'doas is not installed on h (become needs it)',
    );
    expect(otherBecomeError('h', 'su', 'root', 'su: Authentication failure', 1)?.message).toMatch(
      /su on h needs a password \(the become user's\): set SYSFLEET_BECOME_PASSWORD or use --ask-become-pass/,
    );
    expect(otherBecomeError('h', 'doas', 'root', 'doas: Operation not permitted', 1)?.message).toBe(
      'h: doas to root failed (exit 1): doas: Operation not permitted',
    );
    expect(otherBecomeError('h', 'su', 'root', '', 0)).toBeUndefined();
  });
});
