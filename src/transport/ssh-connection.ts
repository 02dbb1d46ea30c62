/**
 * A Connection over one authenticated ssh2 Client. Each command is one exec channel. After the
 * client dies (keepalive timeout, reset), every later call fails with a 'network' TransportError.
 */
import type { Client, ClientChannel } from 'ssh2';
import { BaseConnection, type BecomeSettings } from './base-connection.js';
import type { RawProcess } from './process-io.js';
import type { SecretSource } from './secrets.js';
import { TransportError } from './types.js';

export class SshConnection extends BaseConnection {
  private dead?: TransportError;
  private closed?: Promise<void>;
  private readonly channels = new Set<ClientChannel>();

  constructor(
    host: string,
    private readonly client: Client,
    become: BecomeSettings,
    secrets: SecretSource,
    /** Called once when this connection is gone (the jump pool releases its tunnel). */
    private readonly onGone: () => void = () => undefined,
  ) {
    super(host, become, secrets);
    client.on('error', (e: Error & { level?: string }) => {
      this.dead ??= new TransportError(
        e.level === 'client-timeout' ? 'timeout' : 'network',
        host,
        `${host}: SSH connection lost: ${e.message}`,
      );
    });
    client.once('close', () => {
      this.dead ??= new TransportError('network', host, `${host}: SSH connection closed`);
      this.onGone();
    });
  }

  protected start(command: string): Promise<RawProcess> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closed) {
      return Promise.reject(
        new TransportError('network', this.host, `${this.host}: connection closed`),
      );
    }
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel) => {
        if (err) {
          reject(
            this.dead ??
              new TransportError(
                'protocol',
                this.host,
                `${this.host}: cannot start a command: ${err.message}`,
              ),
          );
          return;
        }
        this.channels.add(channel);
        let killed = false;
        const exit = new Promise<{ code: number | null; signal?: string }>((res, rej) => {
          let status: { code: number | null; signal?: string } | undefined;
          channel.on('exit', (code: number | null, signal?: string) => {
            status = { code: code ?? null, ...(signal ? { signal } : {}) };
          });
          // 'close' comes after the exit status and the end of both output streams.
          channel.once('close', () => {
            this.channels.delete(channel);
            if (status) res(status);
            else if (killed) res({ code: null });
            else
              rej(
                this.dead ??
                  new TransportError(
                    'network',
                    this.host,
                    `${this.host}: connection closed while the command was running`,
                  ),
              );
          });
        });
        resolve({
          stdin: channel,
          stdout: channel,
          stderr: channel.stderr,
          exit,
          kill: () => {
            if (killed) return;
            killed = true;
            killRemote(channel);
            channel.close();
          },
        });
      });
    });
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      for (const ch of this.channels) ch.close();
      // `close` after end(); destroy if the peer does not answer the disconnect promptly.
      const t = setTimeout(() => this.client.destroy(), 2000);
      this.client.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      if (this.dead) {
        clearTimeout(t);
        this.client.destroy();
        resolve();
        return;
      }
      this.client.end();
    });
    return this.closed;
  }
}

/**
 * Ask sshd to SIGKILL the command's process group (OpenSSH >= 7.9 honours `signal` requests)
 * before closing the channel: closing alone leaves e.g. a `sleep` running on the host. ssh2's
 * public `channel.signal()` refuses once our side has sent EOF (after stdin ended), which is
 * exactly when exec times out, so the request is sent through ssh2's protocol object; if that
 * private shape ever changes we fall back to the public call.
 */
function killRemote(channel: ClientChannel): void {
  const ch = channel as unknown as {
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal(id: number, name: string): void } };
  };
  try {
    const proto = ch._client?._protocol;
    if (proto && ch.outgoing?.state === 'open') proto.signal(ch.outgoing.id, 'KILL');
    else channel.signal('KILL');
  } catch {
    // the server may not support signals; closing the channel is what counts
  }
}
