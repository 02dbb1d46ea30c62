/** ssh 9.2's messages (as it prints them; transport-openssh.test.ts meets the live ones) → TransportError kinds. */
import { describe, expect, it } from 'vitest';
import { classifySshFailure, commandLostConnection, setupFailed } from './classify.js';

const cases: Array<[string, string]> = [
  ['refused', 'ssh: connect to host 127.0.0.1 port 2201: Connection refused\r\n'],
  [
    'timeout',
    'Connection timed out during banner exchange\r\nConnection to 127.0.0.1 port 2202 timed out\r\n',
  ],
  [
    'host_key_unknown',
    'No ED25519 host key is known for [127.0.0.1]:2201 and you have requested strict checking.\r\nHost key verification failed.\r\n',
  ],
  [
    'host_key_changed',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\nHost key for [127.0.0.1]:2203 has changed and you have requested strict checking.\r\nHost key verification failed.\r\n',
  ],
  [
    'host_key_revoked',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n@       WARNING: REVOKED HOST KEY DETECTED!               @\r\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\nThe ED25519 host key for [127.0.0.1]:2201 is marked as revoked.\r\nHost key verification failed.\r\n',
  ],
  ['auth', 'root@127.0.0.1: Permission denied (publickey).\r\n'],
  [
    'network',
    'channel 0: open failed: connect failed: No route to host\r\nstdio forwarding failed\r\nkex_exchange_identification: Connection closed by remote host\r\n',
  ],
  ['network', 'ssh: Could not resolve hostname nosuch.invalid: Name or service not known\r\n'],
  [
    'protocol',
    'Unable to negotiate with 127.0.0.1 port 2201: no matching key exchange method found. Their offer: sntrup761x25519-sha512@openssh.com\r\n',
  ],
  ['network', 'kex_exchange_identification: read: Connection reset by peer\r\n'],
];

describe('classifySshFailure', () => {
  it.each(cases)('%s', (kind, stderr) => {
    const e = classifySshFailure('web1', '127.0.0.1:2201', 255, stderr);
    expect(e.kind).toBe(kind);
    expect(e.host).toBe('web1');
    expect(e.message).toMatch(/^web1: .*127\.0\.0\.1:2201/);
    expect(e.message).not.toMatch(/@@@/);
  });

  it('anything else is protocol, with what ssh said', () => {
    const e = classifySshFailure('web1', 'x', 255, 'something odd\n');
    expect(e.kind).toBe('protocol');
    expect(e.message).toContain('something odd');
  });
});

describe('commandLostConnection', () => {
  it("tells ssh's own failure from a command that exits 255", () => {
    expect(commandLostConnection(255, 'Connection to 127.0.0.1 closed by remote host.\r\n')).toBe(
      true,
    );
    expect(
      commandLostConnection(
        255,
        'mux_client_request_session: read from master failed: Broken pipe\n',
      ),
    ).toBe(true);
    expect(commandLostConnection(255, 'my tool failed\n')).toBe(false);
    expect(commandLostConnection(1, 'Connection to x closed by remote host.\n')).toBe(false);
  });
});

describe('setupFailed', () => {
  it.each(cases)("a direct ssh's %s failure is one", (_kind, stderr) => {
    expect(setupFailed(255, stderr)).toBe(true);
  });
  it('a command that exits 255, or another status with ssh-like words, is not', () => {
    expect(setupFailed(255, '')).toBe(false);
    expect(setupFailed(255, 'nope\n')).toBe(false);
    expect(setupFailed(1, 'root@127.0.0.1: Permission denied (publickey).\r\n')).toBe(false);
    expect(setupFailed(null, 'Connection refused')).toBe(false);
  });
  it('a session lost after it was up is not one (the host had been reached)', () => {
    expect(setupFailed(255, 'Connection to 127.0.0.1 closed by remote host.\r\n')).toBe(false);
    expect(setupFailed(255, 'client_loop: send disconnect: Broken pipe\r\n')).toBe(false);
    expect(setupFailed(255, 'Timeout, server 127.0.0.1 not responding.\r\n')).toBe(false);
    // ...while the same words during the key exchange are a failure to connect
    expect(
      setupFailed(255, 'kex_exchange_identification: Connection closed by remote host\r\n'),
    ).toBe(true);
  });
});
