/**
 * A Connection over one authenticated ssh2 Client. Each command is one exec channel; at most
 * MAX_CHANNELS are open at once (sshd's MaxSessions defaults to 10), the rest wait their turn.
 * After the client dies (keepalive timeout, reset), every call fails with a 'network' error.
 */
import type { Client, ClientChannel } from 'ssh2';
import { BaseConnection, type BecomeSettings } from './base-connection.js';
import type { RawProcess } from './process-io.js';
import type { SecretSource } from './secrets.js';
import { TransportError } from './types.js';

/** Concurrent exec channels per connection: under sshd's default MaxSessions 10. */
export const MAX_CHANNELS = 8;

export class SshConnection extends BaseConnection {
  private dead?: TransportError;
  private closed?: Promise<void>;
  private readonly channels = new Set<ClientChannel>();
  private opening = 0;
  private readonly waiting: Array<{ go: () => void; fail: (e: Error) => void }> = [];

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
      for (const w of this.waiting.splice(0)) w.fail(this.dead);
      this.onGone();
    });
  }

  /** Wait for a free channel slot; released by freeSlot when the channel closes. */
  private takeSlot(): Promise<void> {
    if (this.opening + this.channels.size < MAX_CHANNELS) {
      this.opening++;
      return Promise.resolve();
    }
    return new Promise((go, fail) =>
      this.waiting.push({
        go: () => {
          this.opening++;
          go();
        },
        fail,
      }),
    );
  }

  private freeSlot(): void {
    this.waiting.shift()?.go();
  }

  protected async start(command: string): Promise<RawProcess> {
    const gone = () =>
      this.dead ??
      (this.closed
        ? new TransportError('network', this.host, `${this.host}: connection closed`)
        : undefined);
    const before = gone();
    if (before) throw before;
    await this.takeSlot();
    const after = gone();
    if (after) {
      this.opening--;
      this.freeSlot();
      throw after;
    }
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel) => {
        this.opening--;
        if (err) {
          this.freeSlot();
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
            this.freeSlot();
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
