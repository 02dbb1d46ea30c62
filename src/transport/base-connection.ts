/**
 * What ssh and local connections share: exec/spawn on top of `start(command)`, and become.
 * Become is settled once per connection by a probe (see become.ts): `sudo -n` (or plain su/doas)
 * first; only if it demands a password is one fetched and checked, and only then is it sent with
 * each command — on stdin for sudo, through a terminal (`startPty`, become-pty.ts) for su/doas.
 */
import {
  becomeProbe,
  classifySudoFailure,
  otherBecomeError,
  otherNeedsPassword,
  otherPasswordRequired,
  planBecome,
  sudoError,
  type BecomeMethod,
  type BecomePlan,
} from './become.js';
import { AUTH_TIMEOUT_MS, ptyBecomeProcess } from './become-pty-process.js';
import { collect, DEFAULT_MAX_OUTPUT_BYTES, stream, type RawProcess } from './process-io.js';
import { withRemoteTimeout } from './remote-timeout.js';
import type { SecretSource } from './secrets.js';
import {
  TransportError,
  type Connection,
  type ExecOptions,
  type ExecResult,
  type RemoteProcess,
  type ConnectSetup,
} from './types.js';

export interface BecomeSettings {
  /** The host is configured for become (ansible_become). */
  enabled: boolean;
  becomeUser: string;
  /** ansible_become_method (default sudo). */
  method?: BecomeMethod;
  /** The user the commands run as before become. */
  loginUser: string;
}

export abstract class BaseConnection implements Connection {
  private becomePassword?: Promise<string | undefined>;
  /** Cap on each command's stdout and stderr (createTransport's maxOutputBytes). */
  maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
  /** The set-up's phases, where the transport can tell them (ssh2). */
  readonly setup?: ConnectSetup;

  protected constructor(
    readonly host: string,
    protected readonly becomeSettings: BecomeSettings,
    protected readonly secrets: SecretSource,
  ) {}

  /** Start `command` (already wrapped) with the platform's shell. */
  protected abstract start(command: string): Promise<RawProcess>;
  /**
   * Start `command` on a pseudo-terminal (su/doas with a password read it from there only).
   * Closing it (kill) hangs the terminal up, which ends what runs on it.
   */
  protected startPty(command: string): Promise<RawProcess> {
    void command;
    return Promise.reject(
      new TransportError(
        'unsupported',
        this.host,
        `${this.host}: this connection cannot allocate a terminal, which su/doas need to read a password`,
      ),
    );
  }
  abstract close(): Promise<void>;

  /** su/doas with a password take two channels each: one such command at a time per connection. */
  private ptyTurn: Promise<void> = Promise.resolve();

  /** The plan's process: one channel, or for su/doas with a password the PTY pair. */
  private begin(plan: BecomePlan, options: Omit<ExecOptions, 'stdin'>): Promise<RawProcess> {
    if (!plan.pty) return this.start(plan.command);
    const turn = this.ptyTurn;
    let release: () => void = () => undefined;
    this.ptyTurn = new Promise<void>((r) => (release = r));
    const proc = ptyBecomeProcess(
      { host: this.host, start: (c) => this.start(c), startPty: (c) => this.startPty(c) },
      {
        after: turn,
        ...plan.pty,
        command: plan.command,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        authTimeoutMs: Math.min(options.timeoutMs ?? AUTH_TIMEOUT_MS, AUTH_TIMEOUT_MS),
      },
    );
    proc.exit.then(release, release);
    return Promise.resolve(proc);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const plan = await this.plan(command, options);
    const proc = await this.begin(plan, options);
    return collect(proc, {
      host: this.host,
      command,
      ...(plan.stdinPrefix ? { stdinPrefix: plan.stdinPrefix } : {}),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      maxOutputBytes: options.maxOutputBytes ?? this.maxOutputBytes,
    });
  }

  async spawn(command: string, options: Omit<ExecOptions, 'stdin'> = {}): Promise<RemoteProcess> {
    const plan = await this.plan(command, options);
    const proc = await this.begin(plan, options);
    return stream(proc, {
      host: this.host,
      command,
      ...(plan.stdinPrefix ? { stdinPrefix: plan.stdinPrefix } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      maxOutputBytes: options.maxOutputBytes ?? this.maxOutputBytes,
    });
  }

  private async plan(given: string, options: Omit<ExecOptions, 'stdin'>): Promise<BecomePlan> {
    const command = withRemoteTimeout(given, options.timeoutMs);
    const s = this.becomeSettings;
    if (!options.become || !s.enabled || s.loginUser === s.becomeUser) return { command };
    this.becomePassword ??= this.settleBecome(options);
    // A failed probe is not cached: the next call probes again (and fails the same way).
    const password = await this.becomePassword.catch((e: unknown) => {
      this.becomePassword = undefined;
      throw e;
    });
    return planBecome(command, {
      host: this.host,
      loginUser: s.loginUser,
      becomeUser: s.becomeUser,
      ...(s.method ? { method: s.method } : {}),
      ...(password !== undefined ? { password } : {}),
    });
  }

  /** Resolve to the password to send with each command, or undefined when sudo needs none. */
  private async settleBecome(options: Omit<ExecOptions, 'stdin'>): Promise<string | undefined> {
    const s = this.becomeSettings;
    const input = {
      host: this.host,
      loginUser: s.loginUser,
      becomeUser: s.becomeUser,
      ...(s.method ? { method: s.method } : {}),
    };
    const probe = async (password?: string) => {
      const plan = becomeProbe(password === undefined ? input : { ...input, password });
      const proc = await this.begin(plan, options);
      return collect(proc, {
        host: this.host,
        command: plan.command,
        ...(plan.stdinPrefix ? { stdinPrefix: plan.stdinPrefix } : {}),
        timeoutMs: options.timeoutMs ?? 30_000,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    };
    const first = await probe();
    if (s.method && s.method !== 'sudo') {
      const err = otherBecomeError(this.host, s.method, s.becomeUser, first.stderr, first.code);
      if (!err) return undefined;
      if (!otherNeedsPassword(first.stderr, first.code)) throw err;
      const password = await this.secrets.get({
        kind: 'become-password',
        host: this.host,
        method: s.method,
      });
      if (password === undefined) throw otherPasswordRequired(this.host, s.method);
      // authentication failures reject here (TransportError 'become', with su/doas's words)
      const checked = await probe(password);
      if (checked.code === 0) return password;
      throw new TransportError(
        'become',
        this.host,
        `${this.host}: ${s.method} to ${s.becomeUser} accepted the password but the check command exited ${checked.code ?? checked.signal}: ${checked.stderr.trim().split('\n')[0] ?? ''}`,
      );
    }
    const failure = classifySudoFailure(first.stderr, first.code);
    if (first.code === 0) return undefined;
    if (failure !== undefined && failure !== 'password_required') {
      throw sudoError(this.host, failure, s.becomeUser);
    }
    if (failure === undefined) {
      const said = first.stderr.trim().split('\n')[0] ?? '';
      throw new TransportError(
        'become',
        this.host,
        `${this.host}: sudo to ${s.becomeUser} failed (exit ${first.code ?? first.signal}): ${said}`,
      );
    }
    const password = await this.secrets.get({
      kind: 'become-password',
      host: this.host,
      method: 'sudo',
    });
    if (password === undefined) throw sudoError(this.host, 'password_required', s.becomeUser);
    const second = await probe(password);
    if (second.code === 0) return password;
    throw sudoError(
      this.host,
      classifySudoFailure(second.stderr, second.code) ?? 'password_wrong',
      s.becomeUser,
    );
  }
}
