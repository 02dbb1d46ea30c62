import { describe, expect, it } from 'vitest';
import { retryCommand } from './rollback.js';

describe('retryCommand', () => {
  it('lists exactly the hosts not reached, with the inventories used', () => {
    const cmd = retryCommand(
      '20261121T030000Z-ab12',
      [
        { host: 'web01', outcome: 'rolled_back', keys: [], durationMs: 1 },
        { host: 'web02', outcome: 'unreachable', keys: [], error: 'timeout', durationMs: 1 },
        {
          host: 'db 1',
          outcome: 'skipped',
          keys: [],
          error: 'not started (interrupted)',
          durationMs: 0,
        },
        {
          host: 'db2',
          outcome: 'skipped',
          keys: [],
          error: 'changed since the run',
          durationMs: 0,
        },
      ],
      ['prod.ini', 'my inv.yaml'],
    );
    expect(cmd).toBe(
      "sysfleet rollback 20261121T030000Z-ab12 -i prod.ini -i 'my inv.yaml' --limit 'web02,db 1'",
    );
  });
  it('repeats the options that reach and treat the hosts the same way', () => {
    const cmd = retryCommand(
      'r1',
      [{ host: 'web02', outcome: 'unreachable', keys: [], durationMs: 1 }],
      ['prod.ini'],
      [
        '--known-hosts',
        '/etc/ssh/fleet known_hosts',
        '--keys',
        'net.ipv4.tcp_keepalive_*',
        '--from-hosts',
      ],
    );
    expect(cmd).toBe(
      "sysfleet rollback r1 -i prod.ini --known-hosts '/etc/ssh/fleet known_hosts' --keys 'net.ipv4.tcp_keepalive_*' --from-hosts --limit web02",
    );
  });
  it('nothing to retry', () => {
    expect(
      retryCommand('r', [{ host: 'a', outcome: 'rolled_back', keys: [], durationMs: 1 }], []),
    ).toBeUndefined();
  });
});
