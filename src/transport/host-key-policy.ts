/**
 * What to do with a presented host key under a policy: pure, so every branch is unit tested.
 *   strict      unknown → refuse; changed/revoked → refuse
 *   accept-new  unknown → accept and record; changed/revoked → refuse
 *   off         accept anything (the caller warns loudly on every run)
 */
import { fingerprintSha256, keyTypeOfBlob } from './host-key.js';
import type { HostKeyVerdict } from './known-hosts.js';
import { TransportError, type HostKeyPolicy } from './types.js';

export type HostKeyDecision =
  { accept: true; record: boolean; unverified: boolean } | { accept: false; error: TransportError };

export interface HostKeyContext {
  /** Inventory name, for messages. */
  host: string;
  /** Address and port the key was looked up under. */
  address: string;
  port: number;
  /** What is being verified: the target itself or a jump host in front of it. */
  role: 'target' | 'jump';
  knownHostsFiles: string[];
}

export function decideHostKey(
  verdict: HostKeyVerdict,
  policy: HostKeyPolicy,
  key: Buffer,
  ctx: HostKeyContext,
): HostKeyDecision {
  const fp = fingerprintSha256(key);
  const type = keyTypeOfBlob(key) ?? 'unknown-type';
  const who =
    ctx.role === 'jump'
      ? `jump host ${ctx.address}:${ctx.port}`
      : `${ctx.host} (${ctx.address}:${ctx.port})`;
  if (policy === 'off') {
    return { accept: true, record: false, unverified: verdict.status !== 'known' };
  }
  switch (verdict.status) {
    case 'known':
      return { accept: true, record: false, unverified: false };
    case 'revoked':
      return {
        accept: false,
        error: new TransportError(
          'host_key_revoked',
          ctx.host,
          `${who} presented a REVOKED ${type} host key ${fp} (${verdict.entry.file}:${verdict.entry.line}); nothing was run`,
        ),
      };
    case 'changed':
      return {
        accept: false,
        error: new TransportError(
          'host_key_changed',
          ctx.host,
          `HOST KEY CHANGED for ${who}: it presented ${type} ${fp}, but ${verdict.entry.file}:${verdict.entry.line} records ${verdict.entry.keyType} ${fingerprintSha256(verdict.entry.key)}. ` +
            `This may be an attack, or the host was reinstalled. Nothing was run. If the change is expected, remove that line (ssh-keygen -R) and connect again.`,
        ),
      };
    case 'unknown': {
      if (policy === 'accept-new') return { accept: true, record: true, unverified: false };
      const why = verdict.caOnly
        ? ' (only a @cert-authority line matches; host certificates are not supported)'
        : verdict.otherTypes.length
          ? ` (known_hosts has only ${verdict.otherTypes.join(', ')} keys for it)`
          : '';
      const files = ctx.knownHostsFiles.join(', ') || '(no known_hosts files)';
      return {
        accept: false,
        error: new TransportError(
          'host_key_unknown',
          ctx.host,
          `${who} is not in ${files}${why}: its ${type} key is ${fp}. Verify it, then add it (ssh-keyscan) or use --host-key-checking accept-new`,
        ),
      };
    }
  }
}
