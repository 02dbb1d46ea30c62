/**
 * What a failed `ssh` said, as the TransportError kinds ssh2 failures get (../errors.ts). Pure:
 * takes the exit status and stderr. ssh exits 255 on its own errors; its messages are fixed
 * English strings (OpenSSH 9.x), matched here most specific first.
 */
import { TransportError, type TransportErrorKind } from '../types.js';

interface Rule {
  kind: TransportErrorKind;
  test: RegExp;
  say: string;
}

const RULES: Rule[] = [
  {
    kind: 'host_key_revoked',
    test: /REVOKED HOST KEY|is marked as revoked/i,
    say: 'host key is REVOKED in known_hosts (nothing ran)',
  },
  {
    kind: 'host_key_changed',
    test: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed|HOST KEY HAS CHANGED/i,
    say: 'host key CHANGED: it does not match known_hosts (nothing ran); check the host, then fix known_hosts',
  },
  {
    kind: 'host_key_unknown',
    test: /No \S+ host key is known for|Host key verification failed|host key is not known/i,
    say: 'host key unknown (strict checking): add it to known_hosts or use --host-key-checking accept-new',
  },
  {
    kind: 'auth',
    test: /Permission denied \(|Too many authentication failures|no authentication methods/i,
    say: 'authentication failed; check the user, --key, the agent (SSH_AUTH_SOCK) or the certificate',
  },
  {
    kind: 'refused',
    test: /Connection refused/i,
    say: 'connection refused',
  },
  {
    kind: 'timeout',
    test: /timed out|Operation timed out|Connection timed out during banner exchange/i,
    say: 'no SSH handshake in time (host down, filtered, or not an SSH server)',
  },
  {
    kind: 'network',
    test: /Could not resolve hostname|Name or service not known|Temporary failure in name resolution/i,
    say: 'name not found (DNS)',
  },
  {
    kind: 'network',
    test: /stdio forwarding failed|ProxyCommand|proxy dialog|channel \d+: open failed|UNKNOWN port/i,
    say: 'the proxy/jump host could not reach it (ProxyJump/ProxyCommand failed)',
  },
  {
    kind: 'protocol',
    test: /Unable to negotiate|no matching (key exchange|host key|cipher|MAC)/i,
    say: 'no algorithm in common with the server',
  },
  {
    kind: 'network',
    test: /kex_exchange_identification|Connection reset|Connection closed by|closed by remote host|Broken pipe|No route to host|Network is unreachable/i,
    say: 'connection closed before the SSH session was up (sshd MaxStartups, a firewall, or a dead proxy?)',
  },
];

/** Lines ssh prints that say nothing about the failure (banners, warnings). */
const NOISE = /^(@+|Warning: Permanently added|\*\*)/;

/** The last meaningful stderr lines, for the message (never more than 3). */
export function sshSaid(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.test(l));
  return lines.slice(-3).join(' / ');
}

/**
 * A failed master (connect), or a direct command's ssh that could not connect (`duringSetup`):
 * always a TransportError, the message naming host and endpoint.
 */
export function classifySshFailure(
  host: string,
  endpoint: string,
  code: number | null,
  stderr: string,
  duringSetup = false,
): TransportError {
  const said = sshSaid(stderr) || `ssh exited ${code ?? 'by a signal'} without a message`;
  for (const r of RULES) {
    if (r.test.test(stderr)) {
      const message = `${host}: ${r.say} (${endpoint}; ssh: ${said})`;
      return new TransportError(r.kind, host, message, duringSetup);
    }
  }
  const message = `${host}: ssh to ${endpoint} failed: ${said}`;
  return new TransportError('protocol', host, message, duringSetup);
}

/** What ssh prints when a session that was up is lost (the host had been reached). */
const SESSION_LOST =
  /^(Connection to .* closed|client_loop: |Timeout, server .* not responding|Read from remote host)/m;

/**
 * A direct `ssh host command` (no master) that failed before the session was up: exit 255 and
 * one of ssh's own connection failures on stderr, and not the words of a session lost later.
 */
export function setupFailed(code: number | null, stderr: string): boolean {
  return code === 255 && !SESSION_LOST.test(stderr) && RULES.some((r) => r.test.test(stderr));
}

/**
 * After a command: exit 255 with ssh's own words on stderr means the connection failed, not the
 * command. Anything else is the command's own status.
 */
export function commandLostConnection(code: number | null, stderrTail: string): boolean {
  if (code !== 255) return false;
  return /^(mux_client_|Control socket|ControlSocket|Connection to .* closed|client_loop: |ssh: |Connection closed by|Timeout, server .* not responding|Read from remote host|kex_exchange_identification|Host key verification failed|Permission denied \()/m.test(
    stderrTail,
  );
}
