/**
 * The transport's front door: `createTransport(options).connect(host, signal)` gives a
 * Connection (ssh or local) to a host of the inventory. One transport per run shares the loaded
 * known_hosts, the jump host pool and the secrets (each asked for once).
 */
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'ssh2';
import type { HostConnection } from '../connection/types.js';
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
import { spawnProxyCommand } from './proxy-command.js';
import { OpenSshOpener } from './openssh/transport.js';

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
  /** For hosts without a `transport` choice (see select.ts): default 'ssh2'. */
  transport?: 'ssh2' | 'openssh';
  /** --ssh-config, handed to the system ssh as -F. */
  sshConfigFile?: string;
  /** Cap on each command's stdout and stderr, counted as they arrive. Default 1 MiB. */
  maxOutputBytes?: number;
  /**
   * The caller runs one command per connection (check: the gather). Over OpenSSH a host then
   * gets one `ssh` that connects and runs it, not a master and a client, unless the command
   * needs more: become (its probe is a command of its own) or accept-new (the master's stderr
   * says which keys it recorded).
   */
  oneCommandPerConnection?: boolean;
}

export interface Transport {
  connect(target: HostConnection, signal?: AbortSignal): Promise<Connection>;
  /** Jump connections (for tests and the UI). */
  readonly jumpPool: JumpPool;
  /** Close every connection this transport made (targets and jump hosts). */
  close(): Promise<void>;
}

/**
 * Opens a client through a ProxyCommand (its stdio is the socket). The command is ended by PID
 * when the client closes or setup fails; a setup failure says how the command ended.
 */
async function throughProxyCommand(
  command: string,
  host: string,
  open: (sock: Duplex, via: string) => Promise<Client>,
): Promise<{ client: Client; kill: () => void }> {
  const proxy = spawnProxyCommand(command);
  try {
    const client = await open(proxy.sock, ' via ProxyCommand');
    client.once('close', () => proxy.kill());
    return { client, kill: proxy.kill };
  } catch (e) {
    // Let a dying command's exit status and stderr arrive before describing it (bounded).
    await Promise.race([proxy.exited, sleep(300)]);
    proxy.kill();
    if (!(e instanceof TransportError)) throw e;
    throw new TransportError(e.kind, host, `${e.message} (${proxy.describe()})`);
  }
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
  // A hop with its own known_hosts files (from its own ssh_config block) is checked against
  // them; otherwise against the files of the target that first needed it.
  const pool = new JumpPool(
    async (hop, { sock, via, knownHostsFiles, signal }) => {
      const label = `jump ${hop.user ?? 'root'}@${hop.address}:${hop.port}`;
      const files = options.knownHostsFiles?.length
        ? options.knownHostsFiles
        : hop.knownHostsFiles?.length
          ? [...hop.knownHostsFiles, ...(hop.globalKnownHostsFiles ?? [])]
          : knownHostsFiles;
      const knownHosts = await storeFor(files);
      const open = (s: Duplex | undefined, v: string | undefined) =>
        openClient({
          ...base,
          host: label,
          address: hop.address,
          ...(hop.connectName && !s ? { connectHost: hop.connectName } : {}),
          port: hop.port,
          user: hop.user ?? 'root',
          keyFiles: options.keyFiles?.length ? options.keyFiles : hop.identityFiles,
          role: 'jump',
          ...(s ? { sock: s } : {}),
          ...(v ? { via: v } : {}),
          knownHosts,
          ...(signal ? { signal } : {}),
        });
      if (sock || !hop.proxyCommand) return open(sock, via);
      return (await throughProxyCommand(hop.proxyCommand, label, open)).client;
    },
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
      ...(inner.setup ? { setup: inner.setup } : {}),
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
  const openssh = new OpenSshOpener(
    {
      policy,
      ...(options.knownHostsFiles?.length ? { knownHostsFiles: options.knownHostsFiles } : {}),
      ...(options.keyFiles?.length ? { keyFiles: options.keyFiles } : {}),
      ...(options.sshConfigFile ? { sshConfigFile: options.sshConfigFile } : {}),
      connectTimeoutMs: base.connectTimeoutMs,
      keepaliveIntervalMs: base.keepaliveIntervalMs,
      keepaliveCountMax: base.keepaliveCountMax,
      ...(options.agentSocket !== undefined ? { agentSocket: options.agentSocket } : {}),
    },
    secrets,
    options.onEvent,
  );
  const closeAll = async () => {
    await Promise.all([...live].map((c) => c.close()));
    pool.closeAll();
    openssh.close();
  };
  options.signal?.addEventListener('abort', () => void closeAll(), { once: true });

  async function connectOnce(
    target: HostConnection,
    signal?: AbortSignal,
  ): Promise<BaseConnection> {
    const become = {
      enabled: target.become,
      becomeUser: target.becomeUser,
      ...(target.becomeMethod ? { method: target.becomeMethod } : {}),
      loginUser: target.user,
    };
    const via = target.transport?.transport ?? options.transport ?? 'ssh2';
    if (via === 'refused') {
      throw new TransportError(
        'unsupported',
        target.name,
        `${target.name}: not connected: ${target.transport?.reason ?? 'no transport can'}`,
      );
    }
    if (via === 'openssh') {
      const direct =
        options.oneCommandPerConnection === true && !target.become && policy !== 'accept-new';
      return openssh.open(target, become, signal, direct);
    }
    // ssh reads UserKnownHostsFile then GlobalKnownHostsFile; accept-new appends to the first.
    const files = options.knownHostsFiles?.length
      ? options.knownHostsFiles
      : target.knownHostsFiles?.length
        ? [...target.knownHostsFiles, ...(target.globalKnownHostsFiles ?? [])]
        : DEFAULT_KNOWN_HOSTS;
    const params: OpenClientParams = {
      ...base,
      host: target.name,
      address: target.address,
      ...(target.connectName && !target.proxyCommand && target.jump.length === 0
        ? { connectHost: target.connectName }
        : {}),
      port: target.port,
      user: target.user,
      // OpenSSH's default list is tried as defaults (missing files unmentioned), not as --key.
      keyFiles: options.keyFiles?.length
        ? options.keyFiles
        : target.identityFilesDefault
          ? []
          : target.identityFiles,
      role: 'target',
      knownHosts: await storeFor(files),
      ...(signal ? { signal } : {}),
    };
    if (target.proxyCommand) {
      const { client, kill } = await throughProxyCommand(
        target.proxyCommand,
        target.name,
        (sock, via) => openClient({ ...params, sock, via }),
      );
      return new SshConnection(target.name, client, become, secrets, kill);
    }
    if (target.jump.length === 0) {
      const client = await openClient(params);
      return new SshConnection(target.name, client, become, secrets);
    }
    // Hops resolved by src/connection carry their own user (else the local user, as ssh does).
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
      if (target.unreachable)
        throw new TransportError(
          'unsupported',
          target.name,
          `${target.name}: ${target.unreachable}`,
        );
      if (target.connection === 'local') {
        const local = new LocalConnection({
          host: target.name,
          become: target.become,
          becomeUser: target.becomeUser,
          ...(target.becomeMethod ? { becomeMethod: target.becomeMethod } : {}),
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

export { hopKey };
