/**
 * A Connection over the system `ssh`: every command is one `ssh` client multiplexed over the
 * host's ControlMaster (master.ts), so it costs a process start, not a handshake. Become, stdin,
 * timeouts and output caps are BaseConnection's, exactly as over ssh2. Exit 255 with ssh's own
 * words on stderr is a lost connection ('network'), not the command's status.
 *
 * Direct mode (no master): for a caller that runs one command per connection (check), each
 * command is one `ssh` that connects, runs it and ends: one process and one handshake per host
 * instead of a master and a client. Its failures to connect are classified as the master's are
 * (and marked `duringSetup`); a second command would simply connect again.
 */
import type { OpenSshTarget } from '../../connection/types.js';
import { BaseConnection, type BecomeSettings } from '../base-connection.js';
import { killGroup, type RawProcess } from '../process-io.js';
import type { SecretSource } from '../secrets.js';
import { TransportError } from '../types.js';
import { directArgv, endpointOf, execArgv, type SshSettings } from './argv.js';
import { classifySshFailure, commandLostConnection, setupFailed, sshSaid } from './classify.js';
import { stopMaster, type Master } from './master.js';
import { spawnSsh } from './run-ssh.js';

/** Concurrent commands per host: under sshd's default MaxSessions 10, as for ssh2. */
export const MAX_SESSIONS = 8;
/** stderr kept per command to tell ssh's failure from the command's (bytes). */
const STDERR_TAIL = 4096;

export class OpenSshConnection extends BaseConnection {
  private closed?: Promise<void>;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly children = new Set<RawProcess>();

  constructor(
    host: string,
    private readonly settings: SshSettings,
    private readonly target: OpenSshTarget,
    /** Undefined: direct mode. */
    private readonly master: Master | undefined,
    become: BecomeSettings,
    secrets: SecretSource,
    private readonly onGone: () => void = () => undefined,
  ) {
    super(host, become, secrets);
  }

  private async slot(): Promise<void> {
    if (this.running < MAX_SESSIONS) {
      this.running++;
      return;
    }
    await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  protected start(command: string): Promise<RawProcess> {
    return this.startSsh(command, false);
  }

  /** `ssh -tt` through the master: a remote terminal; killing the client hangs it up. */
  protected override startPty(command: string): Promise<RawProcess> {
    return this.startSsh(command, true);
  }

  private async startSsh(command: string, pty: boolean): Promise<RawProcess> {
    if (this.closed)
      throw new TransportError('network', this.host, `${this.host}: connection closed`);
    await this.slot();
    const master = this.master;
    const child = master
      ? spawnSsh(
          execArgv(this.settings, this.target, master.controlPath, command, pty),
          this.settings.agentSocket,
        )
      : // direct: it holds the connection itself, so it dies with us as a master does
        spawnSsh(directArgv(this.settings, this.target, command, pty), this.settings.agentSocket, {
          pdeathsig: true,
        });
    let tail = '';
    child.stderr.on('data', (c: Buffer) => {
      tail = (tail + c.toString('utf8')).slice(-STDERR_TAIL);
    });
    let exited = false;
    const exit = new Promise<{ code: number | null; signal?: string }>((resolve, reject) => {
      child.once('error', (e) => {
        exited = true;
        this.release();
        reject(
          new TransportError('protocol', this.host, `${this.host}: cannot run ssh: ${e.message}`),
        );
      });
      // 'close': after both output streams ended, so no output is lost.
      child.once('close', (code, signal) => {
        if (exited) return;
        exited = true;
        this.release();
        if (killed) resolve({ code: null, ...(signal ? { signal } : {}) });
        else if (!master && setupFailed(code, tail))
          reject(classifySshFailure(this.host, endpointOf(this.target), code, tail, true));
        else if (commandLostConnection(code, tail))
          reject(
            new TransportError(
              'network',
              this.host,
              `${this.host}: SSH connection lost while the command ran (ssh: ${sshSaid(tail)})`,
            ),
          );
        else resolve({ code, ...(signal ? { signal } : {}) });
      });
    });
    let killed = false;
    const proc: RawProcess = {
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      exit,
      kill: () => {
        if (exited || killed || child.pid === undefined) return;
        killed = true;
        killGroup(child);
      },
    };
    this.children.add(proc);
    exit.then(
      () => this.children.delete(proc),
      () => this.children.delete(proc),
    );
    return proc;
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      for (const c of this.children) c.kill();
      await Promise.all([...this.children].map((c) => c.exit.catch(() => undefined)));
      if (this.master) await stopMaster(this.master);
      this.onGone();
    })();
    return this.closed;
  }
}
