/**
 * The transport's front door: `createTransport(options).connect(host, signal)` gives a
 * Connection (ssh or local) to a host of the inventory. One transport per run shares the loaded
 * known_hosts, the jump host pool and the secrets (each asked for once).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostConnection } from '../model/types.js';
import { backoffMs, isTransient } from './errors.js';
import { JumpPool, hopKey } from './jump-pool.js';
import { DEFAULT_KNOWN_HOSTS, KnownHostsStore } from './known-hosts-store.js';
import type { BaseConnection } from './base-connection.js';
import { LocalConnection } from './local.js';
import { DEFAULT_MAX_OUTPUT_BYTES } from './process-io.js';
import { envSecrets, type SecretSource } from './secrets.js';
import {
  abortReason,
  openClient,
  type OpenClientParams,
  type TransportEvent,
} from './ssh-client.js';
import { SshConnection } from './ssh-connection.js';
import { TransportError, type Connection, type HostKeyPolicy } from './types.js';

export interface ConnectOptions {
  /** Default 'strict'. With 'off' every unverified key is reported as a host-key-unverified event. */
  hostKeyPolicy?: HostKeyPolicy;
  /** Overrides the host's ssh_config UserKnownHostsFile; default ~/.ssh/known_hosts. First file receives accept-new entries. */
  knownHostsFiles?: string[];
  /** `--key`: replaces every host's identity files (jump hosts included). */
  keyFiles?: string[];
  /** TCP connect + SSH handshake + auth, per hop. Default 10 000. */
  connectTimeoutMs?: number;
  /** SSH keepalive on the connection. Default 15 000, and 3 unanswered = dead. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Extra attempts after a transient failure (reset/drop before auth, unreachable). Default 2. */
  retries?: number;
  retryBaseMs?: number;
  /** Default: env SYSFLEET_SSH_PASSWORD / SYSFLEET_KEY_PASSPHRASE / SYSFLEET_BECOME_PASSWORD, no prompts. */
  secrets?: SecretSource;
  /** Default process.env.SSH_AUTH_SOCK. Pass '' to disable the agent. */
  agentSocket?: string;
  /** Targets set up concurrently through one jump host. Default 8. */
  maxConcurrentPerJump?: number;
  onEvent?: (e: TransportEvent) => void;
  /** The run's deadline / Ctrl-C: when it aborts, every connection and jump connection is closed. */
  signal?: AbortSignal;
  /** Cap on each command's stdout and stderr, counted as they arrive. Default 1 MiB. */
  maxOutputBytes?: number;
}

export interface Transport {
  connect(target: HostConnection, signal?: AbortSignal): Promise<Connection>;
  /** Jump connections (for tests and the UI). */
  readonly jumpPool: JumpPool;
  /** Close every connection this transport made (targets and jump hosts). */
  close(): Promise<void>;
}

export function createTransport(options: ConnectOptions = {}): Transport {
  const policy = options.hostKeyPolicy ?? 'strict';
  const secrets = options.secrets ?? envSecrets();
  const agentSocket = options.agentSocket ?? process.env.SSH_AUTH_SOCK ?? '';
  const stores = new Map<string, Promise<KnownHostsStore>>();
  const storeFor = (files: string[]) => {
    const id = JSON.stringify(files);
    let s = stores.get(id);
    if (!s) {
      s = KnownHostsStore.load(files);
      stores.set(id, s);
      s.catch(() => stores.delete(id));
    }
    return s;
  };
  const base = {
    policy,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
    ...(agentSocket ? { agentSocket } : {}),
    secrets,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };

  // Jump hosts are verified against the same known_hosts files as the targets behind them.
  const pool = new JumpPool(
    async (hop, { sock, via, knownHostsFiles, signal }) =>
      openClient({
        ...base,
        host: `jump ${hop.user ?? 'root'}@${hop.address}:${hop.port}`,
        address: hop.address,
        port: hop.port,
        user: hop.user ?? 'root',
        keyFiles: options.keyFiles?.length ? options.keyFiles : hop.identityFiles,
        role: 'jump',
        ...(sock ? { sock } : {}),
        ...(via ? { via } : {}),
        knownHosts: await storeFor(knownHostsFiles),
        ...(signal ? { signal } : {}),
      }),
    {
      ...(options.maxConcurrentPerJump
        ? { maxConcurrentPerJump: options.maxConcurrentPerJump }
        : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    },
  );

  // Every live connection, so that an aborted run or close() ends them all promptly.
  const live = new Set<Connection>();
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const track = (inner: BaseConnection, signal?: AbortSignal): Connection => {
    inner.maxOutputBytes = maxOutputBytes;
    const onAbort = () => void conn.close();
    const conn: Connection = {
      host: inner.host,
      exec: (command, opts) => inner.exec(command, opts),
      spawn: (command, opts) => inner.spawn(command, opts),
      close: () => {
        live.delete(conn);
        signal?.removeEventListener('abort', onAbort);
        return inner.close();
      },
    };
    live.add(conn);
    signal?.addEventListener('abort', onAbort, { once: true });
    return conn;
  };
  const closeAll = async () => {
    await Promise.all([...live].map((c) => c.close()));
    pool.closeAll();
  };
  options.signal?.addEventListener('abort', () => void closeAll(), { once: true });

  async function connectOnce(
    target: HostConnection,
    signal?: AbortSignal,
  ): Promise<BaseConnection> {
    const files = options.knownHostsFiles?.length
      ? options.knownHostsFiles
      : target.knownHostsFiles?.length
        ? target.knownHostsFiles
        : DEFAULT_KNOWN_HOSTS;
    const params: OpenClientParams = {
      ...base,
      host: target.name,
      address: target.address,
      port: target.port,
      user: target.user,
      keyFiles: options.keyFiles?.length ? options.keyFiles : target.identityFiles,
      role: 'target',
      knownHosts: await storeFor(files),
      ...(signal ? { signal } : {}),
    };
    const become = {
      enabled: target.become,
      becomeUser: target.becomeUser,
      loginUser: target.user,
    };
    if (target.jump.length === 0) {
      const client = await openClient(params);
      return new SshConnection(target.name, client, become, secrets);
    }
    const jumps = target.jump.map((h) => ({ ...h, user: h.user ?? target.user }));
    const { value: client, release } = await pool.through(
      target.name,
      jumps,
      target.user,
      target.address,
      target.port,
      files,
      signal,
      (sock, via) => openClient({ ...params, sock, via }),
    );
    return new SshConnection(target.name, client, become, secrets, release);
  }

  return {
    jumpPool: pool,
    close: closeAll,
    async connect(target, callerSignal) {
      const signals = [callerSignal, options.signal].filter((s): s is AbortSignal => !!s);
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      if (signal?.aborted) throw abortReason(signal, target.name);
      if (target.connection === 'local') {
        const local = new LocalConnection({
          host: target.name,
          become: target.become,
          becomeUser: target.becomeUser,
          secrets,
        });
        return track(local, signal);
      }
      const retries = options.retries ?? 2;
      for (let attempt = 1; ; attempt++) {
        options.onEvent?.({ type: 'connect-attempt', host: target.name, attempt });
        try {
          return track(await connectOnce(target, signal), signal);
        } catch (e) {
          const err =
            e instanceof TransportError
              ? e
              : new TransportError(
                  'protocol',
                  target.name,
                  `${target.name}: ${(e as Error).message}`,
                );
          if (signal?.aborted) throw abortReason(signal, target.name);
          if (attempt > retries || !isTransient(err)) throw e instanceof TransportError ? e : err;
          const delayMs = backoffMs(attempt, options.retryBaseMs ?? 250, 5_000, Math.random);
          options.onEvent?.({
            type: 'connect-retry',
            host: target.name,
            attempt,
            delayMs,
            error: err.message,
          });
          await sleep(delayMs, undefined, signal ? { signal } : {}).catch(() => {
            throw abortReason(signal as AbortSignal, target.name);
          });
        }
      }
    },
  };
}

/** One-off convenience: a transport for a single connection (no jump sharing across calls). */
export async function connect(
  target: HostConnection,
  options: ConnectOptions & { signal?: AbortSignal } = {},
): Promise<Connection> {
  return createTransport(options).connect(target, options.signal);
}

export { hopKey };
