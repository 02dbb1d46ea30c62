/**
 * ansible_connection=local: run `sh -c <command>` on this machine, with the same stdin, timeout,
 * abort and become behaviour as over SSH (already root and becoming root: no sudo).
 */
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { BaseConnection } from './base-connection.js';
import type { BecomeMethod } from './become.js';
import { killGroup, type RawProcess } from './process-io.js';
import { noSecrets, type SecretSource } from './secrets.js';
import { TransportError } from './types.js';

export interface LocalOptions {
  host: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: BecomeMethod;
  secrets?: SecretSource;
}

export class LocalConnection extends BaseConnection {
  private readonly children = new Set<RawProcess>();

  constructor(opts: LocalOptions) {
    super(
      opts.host,
      {
        enabled: opts.become ?? false,
        becomeUser: opts.becomeUser ?? 'root',
        ...(opts.becomeMethod ? { method: opts.becomeMethod } : {}),
        loginUser: userInfo().username,
      },
      opts.secrets ?? noSecrets,
    );
  }

  protected start(command: string): Promise<RawProcess> {
    return this.run('sh', ['-c', command]);
  }

  /**
   * A terminal for su/doas with a password: node has none without native modules, so util-linux
   * script(1) makes one (`-E never`: nothing typed is echoed; `-e`: the command's exit status).
   * Without script the host is refused with the reason.
   */
  protected override startPty(command: string): Promise<RawProcess> {
    return this.run('script', ['-q', '-e', '-E', 'never', '-c', command, '/dev/null']).catch(
      (e: unknown) => {
        throw new TransportError(
          'unsupported',
          this.host,
          `${this.host}: su/doas with a password need a terminal, which the local connection makes with script(1) from util-linux: ${(e as Error).message}`,
        );
      },
    );
  }

  private run(program: string, args: string[]): Promise<RawProcess> {
    return new Promise((resolve, reject) => {
      // Own process group, so a kill reaches everything the command started.
      const child = spawn(program, args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      let exited = false;
      const exit = new Promise<{ code: number | null; signal?: string }>((res) => {
        // 'close' waits for stdout/stderr to end, so no output is lost.
        child.on('close', (code, signal) => {
          exited = true;
          res({ code, ...(signal ? { signal } : {}) });
        });
      });
      const proc: RawProcess = {
        stdin: child.stdin,
        stdout: child.stdout,
        stderr: child.stderr,
        exit,
        kill: () => {
          if (exited || child.pid === undefined) return;
          killGroup(child);
        },
      };
      child.once('error', (e) =>
        reject(
          new TransportError(
            'protocol',
            this.host,
            `${this.host}: cannot run ${program}: ${e.message}`,
          ),
        ),
      );
      child.once('spawn', () => {
        this.children.add(proc);
        void exit.then(() => this.children.delete(proc));
        resolve(proc);
      });
    });
  }

  async close(): Promise<void> {
    for (const c of this.children) c.kill();
    await Promise.all([...this.children].map((c) => c.exit));
  }
}
