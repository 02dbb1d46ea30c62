import { describe, expect, it } from 'vitest';
import { groupFailures, groupLine } from './failure-groups.js';

describe('groupFailures', () => {
  it('shows a repeated reason once, with the hosts it applies to', () => {
    const failures = [
      { host: 'h01', outcome: 'reverted' as const, error: 'net.core.somaxconn: Invalid argument' },
      { host: 'h02', outcome: 'failed' as const, error: 'h02: output exceeded 1 MiB (stdout)' },
      { host: 'h03', outcome: 'reverted' as const, error: 'net.core.somaxconn: Invalid argument' },
      { host: 'h04', outcome: 'failed' as const, error: 'h04: output exceeded 1 MiB (stdout)' },
      {
        host: 'h05',
        outcome: 'failed' as const,
        error: 'no space left on /var/lib/sysfleet on h05',
      },
    ];
    const groups = groupFailures(failures);
    expect(groups.map((g) => g.hosts)).toEqual([['h01', 'h03'], ['h02', 'h04'], ['h05']]);
    expect(groups.map(groupLine)).toEqual([
      '  reverted    h01, h03 [2 hosts]  net.core.somaxconn: Invalid argument',
      '  failed      h02, h04 [2 hosts]  output exceeded 1 MiB (stdout)',
      '  failed      h05  no space left on /var/lib/sysfleet on h05',
    ]);
  });

  it('keeps a long host list short', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      host: `web${i}`,
      outcome: 'failed' as const,
      error: 'sudo requires a password',
    }));
    const [g] = groupFailures(many);
    expect(groupLine(g!)).toBe(
      '  failed      web0, web1, web2, web3, web4, … (+295 more) [300 hosts]  sudo requires a password',
    );
  });
});
