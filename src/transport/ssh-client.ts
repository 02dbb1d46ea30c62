/**
 * Open one authenticated ssh2 Client: TCP (or a tunnelled stream from a jump host), host key
 * verification against known_hosts under the policy, auth in OpenSSH order, ready timeout,
 * keepalive, abort. Errors come out as TransportError naming the host.
 */
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { ssh2Module } from './ssh2-module.js';
import { planAuth } from './auth.js';
import { mapConnectError, type RawError } from './errors.js';
import { fingerprintSha256, preferKnownAlgorithms } from './host-key.js';
import { decideHostKey } from './host-key-policy.js';
import type { KnownHostsStore } from './known-hosts-store.js';
import type { SecretSource } from './secrets.js';
import { TransportError, type ConnectSetup, type HostKeyPolicy } from './types.js';

/** Things a connection reports besides success/failure; `host-key-unverified` must be shown loudly. */
export type TransportEvent =
  | { type: 'connect-attempt'; host: string; attempt: number }
  | { type: 'connect-retry'; host: string; attempt: number; delayMs: number; error: string }
  | {
      type: 'host-key-unverified';
      host: string;
      address: string;
      port: number;
      fingerprint: string;
    }
  | {
      type: 'host-key-recorded';
      host: string;
      address: string;
      port: number;
      fingerprint: string;
      file: string;
    }
  | { type: 'jump-opened'; jump: string }
  | { type: 'jump-closed'; jump: string };

export interface OpenClientParams {
  /** Inventory name, for messages. */
  host: string;
  address: string;
  /**
   * The name to open the TCP connection to when it is not `address` (HostConnection.connectName:
   * the name ssh's canonicalisation looked up); host keys are still checked for `address`.
   */
  connectHost?: string;
  port: number;
  user: string;
  keyFiles: string[];
  role: 'target' | 'jump';
  /** A tunnelled stream (from a jump host) instead of a TCP connection. */
  sock?: Duplex;
  /** For messages: ` via bastion:22`. */
  via?: string;
  knownHosts: KnownHostsStore;
  policy: HostKeyPolicy;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  agentSocket?: string;
  secrets: SecretSource;
  signal?: AbortSignal;
  onEvent?: (e: TransportEvent) => void;
}

export async function openClient(p: OpenClientParams): Promise<Client> {
  const endpoint = `${p.address}:${p.port}${p.via ?? ''}`;
  if (p.signal?.aborted) throw abortReason(p.signal, p.host);
  const auth = await planAuth({
    host: p.host,
    user: p.user,
    keyFiles: p.keyFiles,
    ...(p.agentSocket ? { agentSocket: p.agentSocket } : {}),
    secrets: p.secrets,
  });
  const { Client: Ssh2Client } = await ssh2Module();
  // the awaits above may have outlived the run's deadline (the listener below sees later aborts)
  if (p.signal?.aborted) throw abortReason(p.signal, p.host);
  const client = new Ssh2Client();
  let hostKeyError: TransportError | undefined;

  const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
    const decision = decideHostKey(p.knownHosts.check(p.address, p.port, key), p.policy, key, {
      host: p.host,
      address: p.address,
      port: p.port,
      role: p.role,
      knownHostsFiles: p.knownHosts.files,
    });
    if (!decision.accept) {
      hostKeyError = decision.error;
      verify(false);
      return;
    }
    const fingerprint = fingerprintSha256(key);
    if (decision.unverified) {
      p.onEvent?.({
        type: 'host-key-unverified',
        host: p.host,
        address: p.address,
        port: p.port,
        fingerprint,
      });
    }
    if (!decision.record) {
      verify(true);
      return;
    }
    p.knownHosts.add(p.address, p.port, key).then(
      () => {
        p.onEvent?.({
          type: 'host-key-recorded',
          host: p.host,
          address: p.address,
          port: p.port,
          fingerprint,
          file: p.knownHosts.files[0] ?? '',
        });
        verify(true);
      },
      (e: unknown) => {
        hostKeyError = new TransportError(
          'host_key_unknown',
          p.host,
          `${p.host}: could not record its new host key ${fingerprint}: ${(e as Error).message}`,
        );
        verify(false);
      },
    );
  };

  return new Promise<Client>((resolve, reject) => {
    const t0 = performance.now();
    let tcp = t0;
    let kex = t0;
    let kexName = '';
    client.once('connect', () => (tcp = performance.now()));
    client.once('handshake', (n: { kex: string }) => {
      kex = performance.now();
      kexName = n.kex;
    });
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      p.signal?.removeEventListener('abort', onAbort);
      if (err) {
        client.removeAllListeners('ready');
        client.destroy();
        reject(err);
      } else resolve(client);
    };
    const onAbort = () => finish(abortReason(p.signal as AbortSignal, p.host));
    p.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('ready', () => {
      const ready = performance.now();
      setups.set(client, { tcpMs: tcp - t0, kexMs: kex - tcp, authMs: ready - kex, kex: kexName });
      finish();
    });
    client.on('error', (e: RawError) => {
      finish(
        hostKeyError ??
          mapConnectError(e, {
            host: p.host,
            endpoint,
            timeoutMs: p.connectTimeoutMs,
            triedAuth: auth.tried,
          }),
      );
    });
    const closed = () =>
      finish(
        hostKeyError ??
          new TransportError(
            'network',
            p.host,
            `${p.host}: ${endpoint} closed the connection during setup`,
          ),
      );
    client.on('close', closed);
    // A given socket (ProxyCommand, jump channel) may close before ssh2 listens to it: ssh2 would
    // then wait for its ready timeout. Watch it here as well.
    if (p.sock) {
      if (p.sock.destroyed) return closed();
      p.sock.once('close', closed);
    }
    try {
      client.connect({
        host: p.connectHost ?? p.address,
        port: p.port,
        username: p.user,
        ...(p.sock ? { sock: p.sock } : {}),
        readyTimeout: p.connectTimeoutMs,
        keepaliveInterval: p.keepaliveIntervalMs,
        keepaliveCountMax: p.keepaliveCountMax,
        authHandler: auth.handler,
        hostVerifier,
        algorithms: {
          serverHostKey: preferKnownAlgorithms(p.knownHosts.knownTypes(p.address, p.port)) as never,
        },
      });
    } catch (e) {
      finish(mapConnectError(e as RawError, { host: p.host, endpoint }));
    }
  });
}

const setups = new WeakMap<Client, ConnectSetup>();

/** How the set-up of a client openClient made went (`--timings`). */
export function setupOf(client: Client): ConnectSetup | undefined {
  return setups.get(client);
}

export function abortReason(signal: AbortSignal, host: string): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new TransportError('timeout', host, `${host}: aborted`);
}
