import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../run/store.js';
import { registerRuns } from './runs.js';

const RUN = '20261121T060000Z-c0de';

describe('runs show', () => {
  let dir: string;
  let out: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sf-runs-'));
    await openStore(dir).createRun({ id: RUN, kind: 'apply', hosts: ['h1'] });
    out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      out += String(c);
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  // `runs` has --json and --state-dir of its own: they must not swallow the subcommand's.
  it('honours --json and --state-dir given after the run', async () => {
    const program = new Command().exitOverride();
    registerRuns(program);
    await program.parseAsync(['runs', 'show', RUN, '--json', '--state-dir', dir], { from: 'user' });
    const parsed = JSON.parse(out) as { run: { id: string } };
    expect(parsed.run.id).toBe(RUN);
  });

  it('still reads them when given before the subcommand', async () => {
    const program = new Command().exitOverride();
    registerRuns(program);
    await program.parseAsync(['runs', '--state-dir', dir, 'show', RUN], { from: 'user' });
    expect(out).toContain(`run ${RUN} (apply)`);
  });

  it('says what is known of a host without a recorded outcome, and how to collect it', async () => {
    const program = new Command().exitOverride();
    registerRuns(program);
    await program.parseAsync(['runs', 'show', RUN, '--state-dir', dir], { from: 'user' });
    expect(out).toContain(
      `hosts: 1 with their outcome only on the host (learn them: sysfleet runs collect ${RUN})`,
    );
    expect(out).toMatch(
      /h1: not recorded here: no snapshot was stored, so the host was never told go/,
    );
    out = '';
    await openStore(dir).saveSnapshot(RUN, 'h1', {
      runId: RUN,
      host: 'h1',
      takenAt: 1795239501,
      keys: [],
      files: [],
    });
    await program.parseAsync(['runs', 'show', RUN, '--state-dir', dir], { from: 'user' });
    expect(out).toMatch(
      /h1: not recorded here: the host sent its snapshot at 2026-.* its result is on the host — sysfleet runs collect/,
    );
  });
});
