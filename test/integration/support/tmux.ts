/**
 * A real terminal for end-to-end UI tests: tmux on a private socket. Sessions are started with
 * a fixed size, keys go in with send-keys, the screen comes back with capture-pane. Every
 * session is killed by name in `killAll` (call it in afterAll: also when a test failed).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export class Tmux {
  readonly socket: string;
  private readonly sessions = new Set<string>();

  constructor(tag: string) {
    this.socket = `sf${tag}-${process.pid}`;
  }

  run(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr || r.error?.message}`);
    return r.stdout;
  }

  /** A detached session of COLUMNS x ROWS running CMD (a shell command line) in CWD. */
  start(name: string, cmd: string, opts: { cwd: string; columns: number; rows: number }): string {
    const session = `${name}-${process.pid}`;
    this.sessions.add(session);
    this.run(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      String(opts.columns),
      '-y',
      String(opts.rows),
      '-c',
      opts.cwd,
      cmd,
    );
    return session;
  }

  /** The visible screen, trailing blanks trimmed. */
  screen(session: string): string {
    return this.run('capture-pane', '-p', '-t', session)
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
  }

  /** Named keys (Enter, Down, NPage) or plain characters, one send-keys call. */
  keys(session: string, ...k: string[]): void {
    this.run('send-keys', '-t', session, ...k);
  }

  /** Text typed in one write, as a fast typist or a paste. */
  type(session: string, text: string): void {
    this.run('send-keys', '-t', session, '-l', text);
  }

  /** Poll the screen until `ok` holds: bounded by count and time; the last screen in the error. */
  async waitScreen(
    session: string,
    ok: (s: string) => boolean,
    what: string,
    timeoutMs = 30_000,
    onScreen?: (s: string) => void,
  ): Promise<string> {
    const started = Date.now();
    let last = '';
    for (let i = 0; i < 600 && Date.now() - started < timeoutMs; i++) {
      last = this.screen(session);
      onScreen?.(last);
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
  }

  killAll(): void {
    for (const s of this.sessions) spawnSync('tmux', ['-L', this.socket, 'kill-session', '-t', s]);
    this.sessions.clear();
    // The server exits with its last session but leaves its socket file behind.
    const uid = process.getuid?.() ?? 0;
    rmSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${uid}`, this.socket), {
      force: true,
    });
  }
}
