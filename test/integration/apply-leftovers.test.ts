/**
 * What killed runs leave on a host is cleaned by the next run (under its lock): the program and
 * scratch files in /var/lib/sysfleet/work, temps and kept old files in /etc/sysctl.d, and the
 * snapshots of runs that never reached go (no result of theirs exists). A snapshot whose run got
 * as far as a result stays: it may be the only way back.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAYBOOK, cli, labArgs, runIdOf, sysfleetFiles, withLab } from './support/fleet-state.js';
import { labAvailable } from './support/lab.js';

const KILLED = '20200101T000000Z-dead';
const NO_GO = '20200102T000000Z-0a0a';
const WENT = '20200103T000000Z-b0b0';

describe.skipIf(!labAvailable)('leftovers of killed runs', () => {
  const t = withLab('apleft', 1);

  it('the next run removes them, and keeps the snapshot of a run that reached go', async () => {
    const { lab, ctl } = t;
    const b = lab.host('h01').backing;
    const v = b.varLibSysfleet;
    for (const d of ['work', 'snapshots', 'results']) await mkdir(join(v, d), { recursive: true });
    await writeFile(join(v, 'work', `${KILLED}.apply.sh`), 'echo old program\n');
    await writeFile(join(v, 'work', `${KILLED}.apply.err`), '');
    await writeFile(join(v, 'snapshots', `${NO_GO}.snap`), '@@sf\tsnap-begin\n@@sf\tsnap-end\n');
    await writeFile(join(v, 'snapshots', `${WENT}.snap`), '@@sf\tsnap-begin\n@@sf\tsnap-end\n');
    await writeFile(join(v, 'results', `${WENT}.apply.result`), '@@sf\tfinal\tstate=changed\n');
    const etc = b.etcSysctlD;
    await writeFile(join(etc, `.60-x.conf.sysfleet-${KILLED}.tmp`), 'net.core.somaxconn = 1\n');
    await writeFile(join(etc, `.60-x.conf.sysfleet-${KILLED}.orig`), 'net.core.somaxconn = 2\n');

    const r = await cli(ctl, ['apply', ...labArgs(lab), PLAYBOOK, '--yes', '--plain']);
    expect(r.code, r.stderr).toBe(0);
    const runId = runIdOf(r.stdout);

    expect(await sysfleetFiles(lab, 'h01', 'work')).toEqual([]);
    expect(await sysfleetFiles(lab, 'h01', 'snapshots')).toEqual(
      [`${runId}.snap`, `${WENT}.snap`].sort(),
    );
    expect((await readdir(etc)).filter((f) => f.includes('.sysfleet-'))).toEqual([]);
  }, 90_000);
});
