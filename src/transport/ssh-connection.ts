/**
 * A Connection over one authenticated ssh2 Client. Each command is one exec channel; at most
 * MAX_CHANNELS are open at once (sshd's MaxSessions defaults to 10), the rest wait their turn.
 * After the client dies (keepalive timeout, reset), every call fails with a 'network' error.
 *
 * sshd refuses a channel ("open failed") when it holds MaxSessions sessions, and it counts the
 * sessions of channels that have just closed until its next loop frees them: a command opened
 * right after others finished can be refused although fewer than MaxSessions are open. Such a
 * refusal is retried once another channel closes or after a short back-off (bounded), and a
 * refusal while channels are open lowers this connection's cap to what the server holds
 * (hardened hosts set MaxSessions 1-4).
 */
import type { Client, ClientChannel, ExecOptions } from 'ssh2';
import { BaseConnection, type BecomeSettings } from './base-connection.js';
import type { RawProcess } from './process-io.js';
import type { SecretSource } from './secrets.js';
import { TransportError, type ConnectSetup } from './types.js';
import { setupOf } from './ssh-client.js';

/** Concurrent exec channels per connection: under sshd's default MaxSessions 10. */
export const MAX_CHANNELS = 8;
/** Attempts to open one channel that sshd refused for lack of a session slot. */
export const OPEN_ATTEMPTS = 8;
/** First back-off after a refusal, doubled each time: 20 ms … 1.3 s, ~2.5 s in all. */
const OPEN_BACKOFF_MS = 20;
/** SSH_OPEN_CONNECT_FAILED: what sshd answers when it cannot make a session ("open failed"). */
const OPEN_CONNECT_FAILED = 2;

/** A channel open the server refused; `slots` says whether it may be for want of a session. */
class OpenRefused extends Error {
  constructor(
    message: string,
    readonly slots: boolean,
  ) {
    super(message);
  }
}

export class SshConnection extends BaseConnection {
  private dead?: TransportError;
  private closed?: Promise<void>;
  private readonly channels = new Set<ClientChannel>();
  private opening = 0;
  /** Lowered when the server refuses a session while others are open (its MaxSessions). */
  private cap = MAX_CHANNELS;
  private readonly waiting: Array<{ go: () => void; fail: (e: Error) => void }> = [];
  /** Woken whenever a channel closes (refused opens retry then). */
  private closeWaiters: Array<() => void> = [];
  override readonly setup: ConnectSetup | undefined;

  constructor(
    host: string,
    private readonly client: Client,
    become: BecomeSettings,
    secrets: SecretSource,
    /** Called once when this connection is gone (the jump pool releases its tunnel). */
    private readonly onGone: () => void = () => undefined,
  ) {
    super(host, become, secrets);
    this.setup = setupOf(client);
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
      this.wakeRetries();
      this.onGone();
    });
  }

  /** Wait for a free channel slot; released by freeSlot when the channel closes. */
  private takeSlot(): Promise<void> {
    if (this.opening + this.channels.size < this.cap) {
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
    while (this.waiting.length > 0 && this.opening + this.channels.size < this.cap) {
      this.waiting.shift()!.go();
    }
  }

  private wakeRetries(): void {
    for (const wake of this.closeWaiters.splice(0)) wake();
  }

  /** After a refusal: until another channel closes, or the back-off passes, or the end. */
  private retryPause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const waiters = this.closeWaiters;
      waiters.push(done);
      function done(): void {
        clearTimeout(t);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
    });
  }

  private gone(): TransportError | undefined {
    return (
      this.dead ??
      (this.closed
        ? new TransportError('network', this.host, `${this.host}: connection closed`)
        : undefined)
    );
  }

  protected start(command: string): Promise<RawProcess> {
    return this.startChannel(command, false);
  }

  /** A channel on a pseudo-terminal ("dumb", no echo from the first byte: become-pty.ts). */
  protected override startPty(command: string): Promise<RawProcess> {
    return this.startChannel(command, true);
  }

  private async startChannel(command: string, pty: boolean): Promise<RawProcess> {
    for (let attempt = 1; ; attempt++) {
      const before = this.gone();
      if (before) throw before;
      await this.takeSlot();
      const after = this.gone();
      if (after) {
        this.opening--;
        this.freeSlot();
        throw after;
      }
      try {
        return await this.open(command, pty);
      } catch (e) {
        if (!(e instanceof OpenRefused)) throw e;
        if (this.dead) throw this.dead;
        if (!e.slots || attempt >= OPEN_ATTEMPTS) {
          throw new TransportError('protocol', this.host, `${this.host}: ${e.message}`);
        }
        if (this.channels.size > 0) this.cap = Math.min(this.cap, this.channels.size);
        await this.retryPause(OPEN_BACKOFF_MS * 2 ** (attempt - 1));
      }
    }
  }

  /** Open one exec channel; the slot taken by takeSlot becomes the channel's. */
  private open(command: string, pty: boolean): Promise<RawProcess> {
    return new Promise((resolve, reject) => {
      const options: ExecOptions = pty
        ? { pty: { term: 'dumb', rows: 24, cols: 200, modes: { ECHO: 0 } } }
        : {};
      this.client.exec(command, options, (err, channel) => {
        this.opening--;
        if (err) {
          this.freeSlot();
          const reason = (err as Error & { reason?: unknown }).reason;
          reject(
            new OpenRefused(
              `cannot start a command: ${err.message}`,
              reason === OPEN_CONNECT_FAILED,
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
            this.wakeRetries();
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
            // a terminal is hung up by closing it, which lets what runs there clean up (SIGHUP
            // traps); a SIGKILL would not
            if (!pty) killRemote(channel);
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
