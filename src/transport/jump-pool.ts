/**
 * ProxyJump without a connection storm: ONE authenticated connection per jump host (per chain
 * prefix, keyed `user@host:port>user@host:port...`), shared by every target behind it, closed when
 * the last target using it is released. A cap per jump host bounds how many targets are being set
 * up through it at once (tunnel + handshake + auth; default 8), well under sshd's MaxStartups
 * 10:30:100 and MaxSessions 10. Established tunnels do not count against the cap.
 */
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import type { JumpHost } from '../connection/types.js';
import { abortReason, type TransportEvent } from './ssh-client.js';
import { TransportError } from './types.js';

/** How the pool opens one hop: over TCP (`sock` undefined) or through the previous hop. */
export type OpenHop = (hop: JumpHost, ctx: HopContext) => Promise<Client>;

export interface HopContext {
  /** Tunnel through the previous hop; undefined for the first hop (TCP). */
  sock?: Duplex;
  /** For messages: ` via user@host:port`. */
  via?: string;
  /** known_hosts files of the target that first needed this hop. */
  knownHostsFiles: string[];
  signal?: AbortSignal;
}

interface Entry {
  key: string;
  client: Promise<Client>;
  users: number;
  /** Setups in flight through this hop, and those waiting for a slot. */
  active: number;
  waiting: Array<() => void>;
  parent?: Entry;
  dead: boolean;
}

export interface JumpPoolOptions {
  /** Targets set up concurrently through one jump host (default 8). */
  maxConcurrentPerJump?: number;
  onEvent?: (e: TransportEvent) => void;
}

export const hopKey = (hop: JumpHost, defaultUser: string) =>
  `${hop.user ?? defaultUser}@${hop.address}:${hop.port}`;

export class JumpPool {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;
  /** Jump connections opened over the pool's life (tests count them). */
  opened = 0;

  constructor(
    private readonly openHop: OpenHop,
    private readonly opts: JumpPoolOptions = {},
  ) {
    this.max = opts.maxConcurrentPerJump ?? 8;
  }

  /** Jump connections open right now. */
  get openCount(): number {
    return this.entries.size;
  }

  /**
   * Open a tunnel to `address:port` through `chain` and run `setup` on it (the target's SSH
   * handshake) while holding one of the last hop's slots. Returns setup's result and a release
   * function to call exactly once when the target connection is gone.
   */
  async through<T>(
    host: string,
    chain: JumpHost[],
    defaultUser: string,
    address: string,
    port: number,
    knownHostsFiles: string[],
    signal: AbortSignal | undefined,
    setup: (sock: Duplex, via: string) => Promise<T>,
  ): Promise<{ value: T; release: () => void }> {
    const entry = this.acquire(chain, defaultUser, knownHostsFiles, signal);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.release(entry);
    };
    try {
      const client = await entry.client.catch((e: unknown) => {
        // The jump host's own failure, told from the point of view of this target.
        throw e instanceof TransportError
          ? new TransportError(e.kind, host, `${host}: ${e.message}`)
          : e;
      });
      await this.slot(entry, signal);
      try {
        const sock = await forward(client, address, port, entry.key, host);
        return { value: await setup(sock, ` via ${entry.key}`), release };
      } finally {
        this.freeSlot(entry);
      }
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Refcounted entry for the chain (creating its parents as needed). */
  private acquire(
    chain: JumpHost[],
    defaultUser: string,
    knownHostsFiles: string[],
    signal?: AbortSignal,
  ): Entry {
    const last = chain[chain.length - 1];
    if (!last) throw new Error('empty jump chain');
    const key = chain.map((h) => hopKey(h, defaultUser)).join('>');
    const existing = this.entries.get(key);
    if (existing && !existing.dead) {
      existing.users++;
      return existing;
    }
    const parent =
      chain.length > 1
        ? this.acquire(chain.slice(0, -1), defaultUser, knownHostsFiles, signal)
        : undefined;
    const entry: Entry = {
      key,
      users: 1,
      active: 0,
      waiting: [],
      dead: false,
      client: undefined as never,
      ...(parent ? { parent } : {}),
    };
    entry.client = (async () => {
      const ctx = { knownHostsFiles, ...(signal ? { signal } : {}) };
      if (!parent) return this.openHop(last, ctx);
      const pc = await parent.client;
      await this.slot(parent, signal);
      try {
        const sock = await forward(pc, last.address, last.port, parent.key, last.address);
        return await this.openHop(last, { ...ctx, sock, via: ` via ${parent.key}` });
      } finally {
        this.freeSlot(parent);
      }
    })();
    entry.client.then(
      (c) => {
        this.opened++;
        this.opts.onEvent?.({ type: 'jump-opened', jump: key });
        // A dead jump connection is dropped so the next target opens a fresh one.
        c.on('error', () => undefined);
        c.once('close', () => {
          entry.dead = true;
          if (this.entries.get(key) === entry) this.entries.delete(key);
          this.opts.onEvent?.({ type: 'jump-closed', jump: key });
        });
      },
      () => {
        entry.dead = true;
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.entries.set(key, entry);
    return entry;
  }

  private release(entry: Entry): void {
    entry.users--;
    if (entry.users > 0) return;
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    entry.dead = true;
    entry.client.then(
      (c) => c.end(),
      () => undefined,
    );
    if (entry.parent) this.release(entry.parent);
  }

  private slot(entry: Entry, signal?: AbortSignal): Promise<void> {
    if (entry.active < this.max) {
      entry.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        entry.active++;
        resolve();
      };
      const onAbort = () => {
        entry.waiting = entry.waiting.filter((w) => w !== go);
        reject(abortReason(signal as AbortSignal, entry.key));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.waiting.push(go);
    });
  }

  private freeSlot(entry: Entry): void {
    entry.active--;
    entry.waiting.shift()?.();
  }

  /** Close every jump connection now (end of run, abort). */
  closeAll(): void {
    for (const e of this.entries.values()) {
      e.dead = true;
      e.client.then(
        (c) => c.destroy(),
        () => undefined,
      );
    }
    this.entries.clear();
  }
}

function forward(
  client: Client,
  address: string,
  port: number,
  via: string,
  host: string,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
      if (err) {
        const kind = /refused/i.test(err.message)
          ? 'refused'
          : /prohibited/i.test(err.message)
            ? 'protocol'
            : 'network';
        const hint = kind === 'protocol' ? ' (does the jump host allow TCP forwarding?)' : '';
        reject(
          new TransportError(
            kind,
            host,
            `${host}: jump host ${via} could not reach ${address}:${port}: ${err.message}${hint}`,
          ),
        );
      } else resolve(stream);
    });
  });
}
