/**
 * Map what node:net and ssh2 throw to TransportError kinds with messages that name the host.
 * Pure: takes the error's shape (code, level, message), not live objects.
 */
import { TransportError } from './types.js';

/** The fields of a node/ssh2 error this mapping reads. */
export interface RawError {
  message: string;
  code?: string;
  /** ssh2: client-socket, client-timeout, client-authentication, client-dns, protocol, handshake, agent */
  level?: string;
}

export interface ErrorContext {
  host: string;
  /** `address:port` (or `address:port via jump`) for the message. */
  endpoint: string;
  timeoutMs?: number;
  /** Authentication methods tried, for 'auth' messages. */
  triedAuth?: string[];
}

const NETWORK_CODES: Record<string, string> = {
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed (broken pipe)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ENOTFOUND: 'name not found (DNS)',
  EAI_AGAIN: 'name lookup failed temporarily (DNS)',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

export function mapConnectError(err: RawError, ctx: ErrorContext): TransportError {
  const { host, endpoint } = ctx;
  const code = err.code ?? '';
  if (err instanceof TransportError) return err;
  if (code === 'ECONNREFUSED') {
    return new TransportError('refused', host, `${host}: connection refused by ${endpoint}`);
  }
  if (code === 'ETIMEDOUT' || err.level === 'client-timeout') {
    const t = ctx.timeoutMs !== undefined ? ` within ${ctx.timeoutMs} ms` : '';
    return new TransportError(
      'timeout',
      host,
      `${host}: no SSH handshake with ${endpoint}${t} (host down, filtered, or not an SSH server)`,
    );
  }
  if (code in NETWORK_CODES) {
    return new TransportError('network', host, `${host}: ${NETWORK_CODES[code]} (${endpoint})`);
  }
  if (err.level === 'client-dns') {
    return new TransportError('network', host, `${host}: ${err.message}`);
  }
  if (err.level === 'client-authentication' || err.level === 'agent') {
    const tried = ctx.triedAuth?.length
      ? ctx.triedAuth.join(', ')
      : 'nothing (no key, agent or password available)';
    return new TransportError(
      'auth',
      host,
      `${host}: authentication failed at ${endpoint}; tried: ${tried}. Check the user, --key, SSH_AUTH_SOCK or SYSFLEET_SSH_PASSWORD`,
    );
  }
  if (/Connection lost before handshake/i.test(err.message)) {
    return new TransportError(
      'network',
      host,
      `${host}: ${endpoint} closed the connection before the SSH handshake (sshd MaxStartups or a firewall?)`,
    );
  }
  return new TransportError('protocol', host, `${host}: SSH error at ${endpoint}: ${err.message}`);
}

/**
 * Failures worth another attempt: the peer reset or dropped us before we authenticated (sshd's
 * MaxStartups does that under load), or a route flapped. Never auth, host key, refused or timeout:
 * those are answers, and repeating a timeout only multiplies the wait.
 */
export function isTransient(err: TransportError): boolean {
  if (err.kind !== 'network') return false;
  return !/name not found/.test(err.message);
}

/** Exponential backoff with full jitter: attempt 1 → up to base, 2 → up to 2·base, ... */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
