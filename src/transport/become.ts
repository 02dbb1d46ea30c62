/**
 * Become (sudo) as pure functions: how a fixed command is wrapped and how sudo's complaints are
 * recognised. The password never appears in the command: with one, sudo reads it from the first
 * line of stdin (`-S -p ''`) and the caller's stdin follows. sudo reads that line byte by byte
 * (tgetpass), so it consumes exactly the password line and leaves the rest for the command.
 *
 * Danger: when sudo does NOT ask (NOPASSWD, cached credentials), a password line would reach the
 * command's stdin. So a connection first probes `sudo -n` (see becomeProbe) and sends the password
 * only when sudo demands one, with `-k` so cached credentials never skip the prompt.
 */
import { TransportError } from './types.js';

export const BECOME_USER_PATTERN = /^[a-z_][a-z0-9_-]*$/;

export interface BecomePlan {
  /** The command to run (possibly wrapped in sudo). With `pty`: the command to run as the become user. */
  command: string;
  /** Bytes to send before the caller's stdin (the password line), if any. */
  stdinPrefix?: Buffer;
  /**
   * su / doas with a password: run `command` through a PTY channel that only authenticates and
   * a data channel that carries stdin/stdout/stderr (become-pty.ts).
   */
  pty?: { method: Exclude<BecomeMethod, 'sudo'>; becomeUser: string; password: string };
}

/** How become runs: sudo (default), su or doas. */
export type BecomeMethod = 'sudo' | 'su' | 'doas';

export interface BecomeInput {
  host: string;
  /** Default sudo. */
  method?: BecomeMethod;
  /** Login user on the host (or the local uid's name); root skips sudo when becoming root. */
  loginUser: string;
  becomeUser: string;
  /** The become password, if one is needed (the probe said so) and known. */
  password?: string;
}

/** POSIX single-quote a string for `sh -c`: the command is fixed code, quoting keeps it intact. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function validateBecomeUser(host: string, user: string): void {
  if (!BECOME_USER_PATTERN.test(user)) {
    throw new TransportError(
      'become',
      host,
      `invalid become user ${JSON.stringify(user)} for ${host}: expected a name matching ${BECOME_USER_PATTERN.source}`,
    );
  }
}

/** Wrap `command` so it runs as `becomeUser`. */
export function planBecome(command: string, input: BecomeInput): BecomePlan {
  validateBecomeUser(input.host, input.becomeUser);
  if (input.loginUser === input.becomeUser) return { command };
  const inner = `sh -c ${shellQuote(command)}`;
  const method = input.method ?? 'sudo';
  if (method !== 'sudo') {
    // su and doas read a password from a terminal only, never from a pipe: without one they
    // run as plain commands (su from root or a pam trust rule; doas with `permit nopass`), with
    // one through a terminal that carries nothing but the password (become-pty.ts).
    if (input.password !== undefined) {
      const problem = ptyPasswordProblem(input.password);
      if (problem) {
        throw new TransportError(
          'become',
          input.host,
          `become password for ${input.host} ${problem}`,
        );
      }
      if (method === 'doas' && input.becomeUser !== 'root') {
        throw new TransportError(
          'become',
          input.host,
          `doas with a password on ${input.host} can become root only, not ${input.becomeUser}: doas closes inherited descriptors, so the command must open its stdin/stdout FIFOs in a directory only ${input.loginUser} and root can enter (use sudo, or permit nopass)`,
        );
      }
      return {
        command,
        pty: { method, becomeUser: input.becomeUser, password: input.password },
      };
    }
    return {
      command:
        method === 'doas'
          ? `doas -n -u ${input.becomeUser} -- ${inner}`
          : `su -c ${shellQuote(inner)} ${input.becomeUser}`,
    };
  }
  if (input.password === undefined) {
    return { command: `sudo -n -u ${input.becomeUser} -- ${inner}` };
  }
  if (/[\r\n]/.test(input.password)) {
    throw new TransportError(
      'become',
      input.host,
      `become password for ${input.host} has a newline`,
    );
  }
  return {
    command: `sudo -k -S -p '' -u ${input.becomeUser} -- ${inner}`,
    stdinPrefix: Buffer.from(input.password + '\n', 'utf8'),
  };
}

/** What a password must not contain to survive a terminal's line discipline unchanged. */
export function ptyPasswordProblem(password: string): string | undefined {
  if (/[\r\n]/.test(password)) return 'has a newline';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(password))
    return 'has a control character, which a terminal would interpret';
  if (Buffer.byteLength(password, 'utf8') > 1000) return 'is longer than 1000 bytes';
  return undefined;
}

/** su/doas asks for a password that is not known. */
export function otherPasswordRequired(host: string, method: BecomeMethod): TransportError {
  const whose = method === 'su' ? "the become user's" : "the login user's";
  return new TransportError(
    'become',
    host,
    `${method} on ${host} needs a password (${whose}): set SYSFLEET_BECOME_PASSWORD or use --ask-become-pass`,
  );
}

/** The words of su/doas on a pipe when they would ask for a password (C locale). */
const OTHER_WANTS_PASSWORD =
  /Authentication (failure|failed|required)|must be run from a terminal|password/i;

/** Whether the no-password probe of su/doas failed because a password is needed. */
export function otherNeedsPassword(stderr: string, code: number | null): boolean {
  return code !== 0 && code !== 127 && OTHER_WANTS_PASSWORD.test(stderr);
}

/** Why `su`/`doas` failed on the probe (C locale), as a TransportError; undefined if it did not. */
export function otherBecomeError(
  host: string,
  method: Exclude<BecomeMethod, 'sudo'>,
  becomeUser: string,
  stderr: string,
  code: number | null,
): TransportError | undefined {
  if (code === 0) return undefined;
  if (code === 127 && new RegExp(`${method}: (command )?not found`).test(stderr))
    return new TransportError(
      'become',
      host,
      `${method} is not installed on ${host} (become needs it)`,
    );
  if (OTHER_WANTS_PASSWORD.test(stderr)) return otherPasswordRequired(host, method);
  const said = stderr.trim().split('\n')[0] ?? '';
  return new TransportError(
    'become',
    host,
    `${host}: ${method} to ${becomeUser} failed (exit ${code ?? 'signal'})${said ? `: ${said}` : ''}`,
  );
}

/**
 * The command that checks become once per connection before real work runs: without a password
 * it asks whether sudo works non-interactively; with one, whether sudo accepts it. Messages are
 * forced to the C locale so classifySudoFailure can read them.
 */
export function becomeProbe(input: BecomeInput): BecomePlan {
  const plan = planBecome('true', input);
  return { ...plan, command: `LC_ALL=C ${plan.command}` };
}

export type SudoFailure = 'password_required' | 'password_wrong' | 'not_allowed' | 'no_sudo';

/** Recognise sudo's own failure messages (C locale: run on becomeProbe's output). */
export function classifySudoFailure(stderr: string, code: number | null): SudoFailure | undefined {
  if (code === 0) return undefined;
  if (/a (terminal|password) is required/i.test(stderr)) return 'password_required';
  if (/incorrect password|Sorry, try again|no password was provided/i.test(stderr)) {
    return 'password_wrong';
  }
  if (/is not in the sudoers file|is not allowed to execute|may not run sudo/i.test(stderr)) {
    return 'not_allowed';
  }
  if (code === 127 && /sudo: (command )?not found/i.test(stderr)) return 'no_sudo';
  return undefined;
}

export function sudoError(host: string, failure: SudoFailure, becomeUser: string): TransportError {
  const text: Record<SudoFailure, string> = {
    password_required: `sudo requires a password on ${host}: set SYSFLEET_BECOME_PASSWORD or use --ask-become-pass`,
    password_wrong: `sudo on ${host} rejected the become password`,
    not_allowed: `sudo on ${host} does not allow this user to run commands as ${becomeUser}`,
    no_sudo: `sudo is not installed on ${host} (become needs it)`,
  };
  return new TransportError('become', host, text[failure]);
}
