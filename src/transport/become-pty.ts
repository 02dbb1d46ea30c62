/**
 * su and doas WITH a password, as pure functions: the shell programs and the reading of the
 * terminal. su and doas read a password from a terminal only, never from a pipe, so such a
 * command runs on two channels of the same connection, both as the login user:
 *
 * - the PTY channel (`wrapper`) makes a private directory (mode 0700, a random name chosen here)
 *   with three FIFOs, says `ready`, opens the FIFOs itself (fds 3, 4, 5), then runs
 *   `su -c INNER USER` / `doas -u USER -- sh -c INNER`. The password goes to this terminal only
 *   after su/doas has printed its prompt. INNER prints `ok` (so authentication succeeded), runs
 *   the command with stdin/stdout/stderr on the FIFOs, and prints its exit status `rc:N`.
 * - the data channel (`data`, no PTY) copies its stdin into the `in` FIFO and the `out` / `err`
 *   FIFOs to its stdout / stderr: the command's bytes never touch the terminal (no echo, CRLF or
 *   line discipline) and stdout, stderr and the exit status stay apart.
 *
 * su hands inherited descriptors to the command, so INNER uses fds 3-5 and any become user
 * works; the directory is removed as soon as both sides have opened the FIFOs. doas closes every
 * descriptor above 2, so its INNER (root) opens the FIFOs by path and then removes the directory;
 * doas to another user than root is refused (that user could not enter the directory).
 *
 * Because the wrapper holds the other end of every FIFO, the data channel gets EOF / EPIPE the
 * moment the wrapper is gone, whatever killed it: it never blocks in open(2). The wrapper removes
 * the directory on every exit (EXIT, HUP, INT, TERM traps); the caller also runs `cleanup` after
 * any failure.
 */
import { shellQuote } from './become.js';

/** Where the private directories live: /tmp is the one place every user can create one. */
export const PTY_DIR_PREFIX = '/tmp/sysfleet-become.';

export type PtyMethod = 'su' | 'doas';

export interface PtyBecomeInput {
  method: PtyMethod;
  becomeUser: string;
  /** The fixed command (already under the remote timeout). */
  command: string;
  /** 32 lowercase hex digits from a CSPRNG: names the directory and the markers. */
  nonce: string;
}

export interface PtyBecomeCommands {
  dir: string;
  /** Marker prefix: the wrapper and INNER print `<marker>:ready|ok|rc:N` lines on the terminal. */
  marker: string;
  /** Runs on the PTY channel. */
  wrapper: string;
  /** Runs on the data channel (plain exec, stdin/stdout/stderr are the command's). */
  data: string;
  /** Removes the directory (after a failure: the wrapper's traps normally do it). */
  cleanup: string;
}

const NONCE = /^[0-9a-f]{32}$/;

export function ptyBecomeCommands(input: PtyBecomeInput): PtyBecomeCommands {
  if (!NONCE.test(input.nonce)) throw new Error('pty become: the nonce must be 32 hex digits');
  const dir = PTY_DIR_PREFIX + input.nonce;
  const marker = `sysfleet-${input.nonce}`;
  const fifos = `${dir}/in ${dir}/out ${dir}/err`;
  // The command runs with the FIFOs as its stdio and no copy of fds 3-5; INNER's own stdout is
  // the terminal, for the markers. $? is the command's exit status (128+N after signal N).
  const run =
    `printf '%s\\n' ${marker}:ok; ` +
    `sh -c ${shellQuote(input.command)} <&3 >&4 2>&5 3<&- 4>&- 5>&-; ` +
    `printf '%s\\n' "${marker}:rc:$?"`;
  const inner =
    input.method === 'doas'
      ? // No open may block (doas's child ignores the terminal's hangup): `in` is opened
        // read-write first, so opening it to read cannot wait for a writer that has come and gone
        // (its data stay in the pipe, which the wrapper holds open), and only the read-only end is
        // kept, so the command sees EOF when the data channel closes it; `out`/`err` read-write.
        `exec 6<>${dir}/in 3<${dir}/in 6>&- 4<>${dir}/out 5<>${dir}/err || exit 125; rm -rf ${dir}; ${run}`
      : // LC_ALL=C was for su's own words (the prompt and its failures), not for the command
        `unset LC_ALL; ${run}`;
  const become =
    input.method === 'doas'
      ? `LC_ALL=C doas -u ${input.becomeUser} -- sh -c ${shellQuote(inner)}`
      : `LC_ALL=C su -c ${shellQuote(inner)} ${input.becomeUser}`;
  const wrapper = [
    `D=${dir}`,
    // nothing typed on this terminal is ever shown (su/doas also turn echo off to read)
    'stty -echo 2>/dev/null',
    `mkdir -m 700 "$D" || exit 125`,
    // set only once the directory is ours: never remove one somebody else made
    `trap 'rm -rf "$D"' EXIT`,
    `trap 'rm -rf "$D"; exit 129' HUP`,
    `trap 'rm -rf "$D"; exit 130' INT`,
    `trap 'rm -rf "$D"; exit 143' TERM`,
    `mkfifo -m 600 ${fifos} || exit 125`,
    `printf '%s\\n' ${marker}:ready`,
    // blocks until the data channel has opened its ends (it starts on `ready`)
    `exec 3<"$D/in" 4>"$D/out" 5>"$D/err"`,
    ...(input.method === 'su' ? ['rm -rf "$D"'] : []),
    become,
  ].join('\n');
  const data = [
    `D=${dir}`,
    'exec 3<&0',
    `cat "$D/out" & o=$!`,
    `cat "$D/err" >&2 & e=$!`,
    // an asynchronous list's stdin would be /dev/null: fd 3 is the channel's stdin
    `cat >"$D/in" <&3 3<&- 2>/dev/null & i=$!`,
    'exec 3<&-',
    `wait "$o"; wait "$e"`,
    // the command is done: what it did not read of stdin is dropped, as over one channel
    `kill "$i" 2>/dev/null`,
    'exit 0',
  ].join('\n');
  return { dir, marker, wrapper, data, cleanup: `rm -rf ${dir}` };
}

export type PtyEvent =
  { type: 'ready' } | { type: 'prompt' } | { type: 'ok' } | { type: 'rc'; code: number };

/**
 * A password prompt: what the terminal shows after its last line break, waiting for input. su
 * and doas run in the C locale ("Password: ", "doas (user@host) password: "); other words are
 * accepted for PAM modules that ask differently.
 */
export const PROMPT = /(pass(word|phrase|wort|e)?|kennwort|contrase)[^\n]*[:：]\s*$/i;

/**
 * Reads the PTY channel's output: markers (whole lines), the password prompt (an unfinished
 * line), and everything else as the transcript for error messages. Prompts count only between
 * `ready` and `ok`: after `ok` nothing on the terminal can draw the password out.
 */
export class PtyScanner {
  private partial = '';
  private lines: string[] = [];
  private state: 'starting' | 'auth' | 'running' = 'starting';
  private prompted = false;

  constructor(private readonly marker: string) {}

  feed(chunk: string): PtyEvent[] {
    const events: PtyEvent[] = [];
    const text = (this.partial + chunk).replace(/\r/g, '\n');
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      const ev = this.markerOf(line);
      if (ev) {
        if (ev.type === 'ready' && this.state === 'starting') this.state = 'auth';
        if (ev.type === 'ok') this.state = 'running';
        events.push(ev);
      } else if (line.trim() !== '') {
        this.lines.push(line.trim());
        if (this.lines.length > 20) this.lines.shift();
      }
    }
    // a prompt stays on one unfinished line until answered; each is reported once
    if (this.state === 'auth' && !this.prompted && PROMPT.test(this.partial)) {
      this.prompted = true;
      this.lines.push(this.partial.trim());
      this.partial = '';
      events.push({ type: 'prompt' });
    } else if (this.prompted && this.partial === '') {
      this.prompted = false;
    }
    return events;
  }

  private markerOf(line: string): PtyEvent | undefined {
    const l = line.trim();
    if (!l.startsWith(`${this.marker}:`)) return undefined;
    const rest = l.slice(this.marker.length + 1);
    if (rest === 'ready') return { type: 'ready' };
    if (rest === 'ok') return { type: 'ok' };
    const rc = /^rc:(\d{1,3})$/.exec(rest);
    return rc ? { type: 'rc', code: Number(rc[1]) } : undefined;
  }

  /** The terminal's words so far (markers left out), for an error message. */
  transcript(): string[] {
    return [...this.lines, ...(this.partial.trim() ? [this.partial.trim()] : [])];
  }
}

/** Failure words of su (util-linux, shadow, busybox) and doas (opendoas, OpenBSD). */
const REJECTED = /Authentication (failure|failed)|incorrect password|Sorry|Permission denied/i;

/**
 * Why su/doas did not run the command, from the terminal's words. `secret` is scrubbed from the
 * words shown (should anything have echoed it).
 */
export function ptyFailureMessage(opts: {
  host: string;
  method: PtyMethod;
  becomeUser: string;
  transcript: string[];
  passwordSent: boolean;
  secret: string;
  exit: number | null;
}): string {
  const scrub = (s: string) => (opts.secret ? s.split(opts.secret).join('***') : s);
  const said = opts.transcript
    .map(scrub)
    .filter((l) => !PROMPT.test(l))
    .slice(-2)
    .join(' / ')
    .slice(0, 300);
  const whose = opts.method === 'su' ? `${opts.becomeUser}'s password` : 'the login password';
  if (opts.passwordSent && REJECTED.test(said)) {
    return `${opts.method} on ${opts.host} rejected the become password (${whose})${said ? `: ${said}` : ''}`;
  }
  return `${opts.host}: ${opts.method} to ${opts.becomeUser} failed (exit ${opts.exit ?? 'signal'})${said ? `: ${said}` : ''}`;
}
