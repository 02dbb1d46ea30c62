/**
 * TCP state counting, for real: inside a throwaway network namespace (`unshare --net`, loopback
 * only) a Node helper opens 5 ESTABLISHED pairs and leaves 3 server sockets in CLOSE_WAIT, then
 * runs the gather script twice: with ss (source `ss`) and with a busybox-only PATH (no ss:
 * source `proc`). Both must count the same sockets. The namespace and every socket in it vanish
 * when the helper exits. Needs root, unshare and (for the proc half) busybox.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGatherScript } from './script.js';
import { parseGatherOutput } from './parseGather.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const canRun = process.getuid?.() === 0 && has('unshare') && has('ip') && has('busybox');

const helper = `
import net from 'node:net';
import { spawnSync } from 'node:child_process';
const script = process.env.GATHER;
const server = net.createServer({ allowHalfOpen: true }, (s) => { s.on('data', () => {}); s.on('end', () => {}); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const clients = [];
for (let i = 0; i < 8; i++) {
  const c = net.connect(port, '127.0.0.1');
  await new Promise((r) => c.on('connect', r));
  clients.push(c);
}
// Half-close 3 clients: their server sockets go to CLOSE_WAIT (server never ends them), the
// clients to FIN_WAIT2. The 5 others stay ESTABLISHED on both ends (10 sockets).
await Promise.all(clients.slice(0, 3).map((c) => new Promise((r) => c.end(r))));
await new Promise((r) => setTimeout(r, 200));
const run = (path) => spawnSync('sh', ['-s'], { input: script, encoding: 'utf8', env: { PATH: path } }).stdout;
process.stdout.write(JSON.stringify({ ss: run(process.env.PATH), proc: run(process.env.BBPATH) }));
for (const c of clients) c.destroy();
server.close();
`;

describe('TCP state counts in a namespace', () => {
  it.skipIf(!canRun)('ss and /proc agree on ESTABLISHED and CLOSE_WAIT', () => {
    const bb = mkdtempSync(join(tmpdir(), 'sysfleet-bb-'));
    try {
      for (const app of [
        'sh',
        'awk',
        'cat',
        'tr',
        'sed',
        'grep',
        'cut',
        'head',
        'uname',
        'readlink',
      ]) {
        symlinkSync(
          spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim(),
          join(bb, app),
        );
      }
      const r = spawnSync(
        'unshare',
        [
          '--net',
          'sh',
          '-c',
          'ip link set lo up && exec "$0" --input-type=module -e "$1"',
          process.execPath,
          helper,
        ],
        {
          encoding: 'utf8',
          timeout: 30_000,
          env: { ...process.env, GATHER: buildGatherScript(['net.core.somaxconn']), BBPATH: bb },
        },
      );
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as { ss: string; proc: string };
      const viaSs = parseGatherOutput('ns', out.ss, 'now').tcpStates;
      const viaProc = parseGatherOutput('ns', out.proc, 'now').tcpStates;
      expect(viaSs).toEqual({
        established: 10,
        timeWait: 0,
        closeWait: 3,
        synRecv: 0,
        source: 'ss',
      });
      expect(viaProc).toEqual({ ...viaSs, source: 'proc' });
    } finally {
      rmSync(bb, { recursive: true, force: true });
    }
  });
});
