/** The transport's public API (see README.md). */
export { createTransport, type ConnectOptions, type Transport } from './connect.js';
export type { TransportEvent } from './ssh-client.js';
export { envSecrets, noSecrets, SECRET_ENV } from './secrets.js';
export { ttySecretPrompt } from './tty-prompt.js';
export type { SecretKind, SecretPrompt, SecretRequest, SecretSource } from './secrets.js';
export { KnownHostsStore, DEFAULT_KNOWN_HOSTS } from './known-hosts-store.js';
export { fingerprintSha256 } from './host-key.js';
export { LocalConnection } from './local.js';
export { JumpPool } from './jump-pool.js';
export { DEFAULT_MAX_OUTPUT_BYTES, formatBytes } from './process-io.js';
export * from './types.js';
