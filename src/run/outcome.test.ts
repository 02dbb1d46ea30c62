import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyOutcome, rollbackOutcome } from './outcome.js';
import { parseApplyOutput, parseRollbackOutput } from '../apply/result.js';

const RUN = '20261121T060000Z-c0de';
const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/apply/${name}`, import.meta.url), 'utf8');

describe('applyOutcome', () => {
  it('maps changed / reverted / locked', () => {
    const changed = applyOutcome(parseApplyOutput(fixture('apply-changed.txt'), 'h', RUN));
    expect(changed.outcome).toBe('changed');
    expect(changed.error).toBeUndefined();
    // what happened to the key, in words the UI shows (written / refused / put back ...)
    expect(changed.keys[0]).toMatchObject({
      key: 'net.ipv4.tcp_keepalive_time',
      action: 'written',
      before: '7200',
      after: '600',
    });
    expect(changed.files.map((f) => f.action)).toContain('written');
    const reverted = applyOutcome(parseApplyOutput(fixture('apply-reverted-einval.txt'), 'h', RUN));
    expect(reverted).toMatchObject({
      outcome: 'reverted',
      error: 'net.ipv4.ip_local_port_range: Invalid argument',
    });
    expect(reverted.keys[1]).toMatchObject({ action: 'failed', error: 'Invalid argument' });
    expect(reverted.keys[0]?.action).toBe('reverted');
    const locked = applyOutcome(parseApplyOutput(fixture('apply-locked.txt'), 'h', RUN));
    expect(locked.outcome).toBe('failed');
    expect(locked.error).toMatch(/locked by run 20261121T055900Z-beef/);
  });

  it('an unknown outcome says how to collect it', () => {
    const text = fixture('apply-changed.txt');
    const cut = text.slice(0, text.indexOf('@@sf\tworker-started'));
    const r = applyOutcome(parseApplyOutput(cut, 'h', RUN));
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(/outcome unknown: .*collect 20261121T060000Z-c0de/);
  });
});

describe('rollbackOutcome', () => {
  it('partial with something restored is rolled_back with the skipped items named', () => {
    const r = rollbackOutcome(parseRollbackOutput(fixture('rollback-partial.txt'), 'h', RUN));
    expect(r.outcome).toBe('rolled_back');
    expect(r.error).toBe(
      'left alone, changed since the run: net.ipv4.tcp_keepalive_time (now 1000); use --force to restore them',
    );
  });

  it('already restored is unchanged', () => {
    const r = rollbackOutcome(parseRollbackOutput(fixture('rollback-unchanged.txt'), 'h', RUN));
    expect(r).toMatchObject({ outcome: 'unchanged' });
    expect(r.error).toBeUndefined();
  });

  it('a file kept by a --keys filter is named as kept, not as changed since', () => {
    const r = rollbackOutcome({
      host: 'h',
      runId: RUN,
      state: 'partial',
      keys: [
        { key: 'net.ipv4.tcp_keepalive_time', action: 'restored', before: '120', after: '7200' },
      ],
      files: [
        {
          path: '/etc/sysctl.d/60-x.conf',
          action: 'skipped',
          error: 'key filter leaves 3 key(s) of this run in place; the file is kept',
        },
      ],
    });
    expect(r.outcome).toBe('rolled_back');
    expect(r.error).toBe(
      '/etc/sysctl.d/60-x.conf kept (key filter leaves 3 key(s) of this run in place; the file is kept)',
    );
  });

  it('partial with nothing restored is skipped', () => {
    const text =
      '@@sf\trkey\tkey=a.b\taction=changed_since\tbefore=5\twant=1\n@@sf\tfinal\tstate=partial\treason=x\n';
    expect(rollbackOutcome(parseRollbackOutput(text, 'h', RUN)).outcome).toBe('skipped');
  });
});
