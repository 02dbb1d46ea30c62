/**
 * `sysfleet report merge` as the command line drives it: files and directories of shard reports,
 * outputs written like check's, and inputs that are not shard reports refused with the file
 * named, exit 3 and nothing written.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderJson } from '../report/json.js';
import { renderPrometheus } from '../report/prometheus.js';
import { shardReports, syntheticFleet, unshardedReport } from '../report/synthetic.js';
import { registerReport } from './report.js';

let dir: string;
const hosts = syntheticFleet(120);
const shards = shardReports(hosts, 3);

async function merge(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const program = new Command('sysfleet').exitOverride();
  registerReport(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'sysfleet', 'report', 'merge', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-merge-'));
  for (const s of shards) writeFileSync(join(dir, `shard-${s.shard!.index}.json`), renderJson(s));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('sysfleet report merge', () => {
  it('a directory of shard reports gives the outputs of one run and its exit code', async () => {
    const out = join(dir, 'out');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    const r = await merge(
      dir,
      '--json',
      join(out, 'm.json'),
      '--prometheus',
      join(out, 'm.prom'),
      '--shards',
      '3',
    );
    const whole = unshardedReport(hosts);
    expect(r.code).toBe(whole.exitCode);
    expect(readFileSync(join(out, 'm.json'), 'utf8')).toBe(renderJson(whole));
    expect(readFileSync(join(out, 'm.prom'), 'utf8')).toBe(renderPrometheus(whole));
    expect(r.stdout).toMatch(/^sysfleet check: check-lab/);
  });

  it('--shards N must match the reports', async () => {
    const r = await merge(dir, '--shards', '4');
    expect([r.code, r.stderr]).toEqual([
      3,
      expect.stringMatching(/--shards 4, but the reports are of 3 shards/),
    ]);
  });

  it('a report cut short or of another kind is refused, naming the file; nothing is written', async () => {
    const cut = join(dir, 'cut.json.part');
    writeFileSync(cut, renderJson(shards[0]!).slice(0, 500));
    const other = join(dir, 'other.json.part');
    writeFileSync(other, JSON.stringify({ hello: 'world' }));
    const json = join(dir, 'never.json.out');
    let r = await merge(cut, join(dir, 'shard-1.json'), '--json', json);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      new RegExp(`report merge: ${cut}: not JSON .*a shard report cut short\\?`),
    );
    r = await merge(other);
    expect(r.stderr).toMatch(
      /other.json.part: not a sysfleet check report \(schemas\/report.schema.json\): \/ must have required property/,
    );
    expect(existsSync(json)).toBe(false);
  });

  it('--wait gives up after its time and merges what is there', async () => {
    const started = Date.now();
    const r = await merge(join(dir, 'shard-0.json'), '--wait', '1', '--shards', '3');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--shards 3, but|shard 1\/3: no report/);
  });
});
