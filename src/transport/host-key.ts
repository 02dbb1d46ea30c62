/** Facts about SSH public key blobs (RFC 4253 §6.6 wire format): type, fingerprint, algorithms. */
import { createHash } from 'node:crypto';

/** The key type named inside a blob (its first SSH string), or undefined when malformed. */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  const type = blob.subarray(4, 4 + len).toString('latin1');
  return /^[a-z0-9@.-]+$/i.test(type) ? type : undefined;
}

/** Fingerprint as `ssh-keygen -lf` and ssh print it: `SHA256:` + unpadded base64 of SHA-256. */
export function fingerprintSha256(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/**
 * Host key algorithms that produce keys of this known_hosts type. An RSA key (`ssh-rsa`) is
 * negotiated under the names rsa-sha2-512 / rsa-sha2-256 / ssh-rsa.
 */
export function algorithmsForKeyType(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

/** Two key types of one family: a mismatch inside a family is a changed key, not a new one. */
export function sameKeyFamily(a: string, b: string): boolean {
  return a === b;
}

/** ssh2's default host key algorithm preference (ssh2 1.x), used when nothing is known. */
export const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Preference list that puts algorithms for already-known key types first, as OpenSSH does, so a
 * host with a recorded RSA key is not mistaken for a new host because ed25519 was negotiated.
 */
export function preferKnownAlgorithms(knownTypes: readonly string[]): string[] {
  const first = knownTypes.flatMap(algorithmsForKeyType);
  const ordered = [...first, ...DEFAULT_HOST_KEY_ALGORITHMS];
  return [...new Set(ordered)].filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
}
