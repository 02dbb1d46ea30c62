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

/**
 * `sh ...` or `sudo ...` in plain words (what sysfleet runs: `sh -s`, `sudo -n sh -s`): programs,
 * not shell builtins, so timeout can run them without a shell in between.
 */
const PLAIN_PROGRAM = /^(sh|sudo)( [A-Za-z0-9_./=-]+)*$/;

export function withRemoteTimeout(command: string, timeoutMs: number | undefined): string {
  if (timeoutMs === undefined || !(timeoutMs > 0)) return command;
  const seconds = Math.ceil(timeoutMs / 1000) + REMOTE_GRACE_S;
  if (PLAIN_PROGRAM.test(command)) {
    // no `sh -c` in between: one process less on every host for every command
    return (
      `if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL ${seconds} ${command}; ` +
      `else exec ${command}; fi`
    );
  }
  const inner = shellQuote(command);
  return (
    `if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL ${seconds} sh -c ${inner}; ` +
    `else exec sh -c ${inner}; fi`
  );
}
