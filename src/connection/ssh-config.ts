/**
 * The loaded ssh_config (see ssh-config-eval.ts for the shape, load-ssh-config.ts for loading),
 * and an empty one for callers and tests with no ssh_config: no files, the given home and user,
 * a `Match exec` that fails and no resolver (nothing runs, nothing is looked up: a lookup that
 * canonicalisation needs is `unknown`, so only OpenSSH decides such a host).
 */
import type { SshConfig } from './ssh-config-eval.js';

export type { SshConfig, SshConfigFile, SshEnv } from './ssh-config-eval.js';

export function emptySshConfig(home = '/root', localUser = 'root'): SshConfig {
  return {
    home,
    localUser,
    uid: 0,
    localHostName: 'localhost',
    env: {},
    exec: () => 1,
    lookupName: () => ({ kind: 'unknown', reason: 'no resolver given' }),
    files: [],
  };
}
