/**
 * The script `lab up --vm` sends (on stdin) to each full guest so its `sflab` user matches the
 * become inventory: this lab's sudo password and NOPASSWD or password sudo (pure).
 */
import { renderSudoersDropIn } from '../host-files.js';
import type { SudoMode } from '../types.js';

export function sudoSetupScript(user: string, passwordHash: string, mode: SudoMode): string {
  if (!/^\$6\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+$/.test(passwordHash)) {
    throw new Error('sudo setup: not a SHA-512 crypt hash');
  }
  return [
    'set -eu',
    // printf is a shell builtin: the hash never shows in a process title
    `printf '%s\\n' '${user}:${passwordHash}' | chpasswd -e`,
    `cat > /etc/sudoers.d/${user} <<'SUDO'`,
    renderSudoersDropIn(user, mode).trimEnd(),
    'SUDO',
    `chmod 0440 /etc/sudoers.d/${user}`,
    '',
  ].join('\n');
}
