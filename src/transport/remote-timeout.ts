/**
 * A command's timeout enforced on the host as well. Closing an SSH channel does not stop a
 * non-pty command (it runs on until it writes), and sshd refuses `signal` requests on root
 * logins ("session signalling requires privilege separation"). So a command with a timeout runs
 * under coreutils/busybox `timeout`, which kills its whole process group a little after our own
 * timer gives up. Hosts without `timeout` run the command unguarded.
 */
import { shellQuote } from './become.js';

/** Seconds the host waits beyond our own timer before it kills the command. */
export const REMOTE_GRACE_S = 2;

export function withRemoteTimeout(command: string, timeoutMs: number | undefined): string {
  if (timeoutMs === undefined || !(timeoutMs > 0)) return command;
  const seconds = Math.ceil(timeoutMs / 1000) + REMOTE_GRACE_S;
  const inner = shellQuote(command);
  return (
    `if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL ${seconds} sh -c ${inner}; ` +
    `else exec sh -c ${inner}; fi`
  );
}
