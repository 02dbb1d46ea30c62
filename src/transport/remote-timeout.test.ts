import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withRemoteTimeout } from './remote-timeout.js';

describe('withRemoteTimeout', () => {
  it('leaves commands without a timeout alone', () => {
    expect(withRemoteTimeout('sh -s', undefined)).toBe('sh -s');
    expect(withRemoteTimeout('sh -s', 0)).toBe('sh -s');
  });

  it('adds the grace period, rounding up to whole seconds', () => {
    expect(withRemoteTimeout("echo 'x'", 1500)).toBe(
      `if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL 4 sh -c 'echo '\\''x'\\'''; ` +
        `else exec sh -c 'echo '\\''x'\\'''; fi`,
    );
  });

  it('runs a command of plain words under timeout without a shell in between', () => {
    expect(withRemoteTimeout('sudo -n sh -s', 1500)).toBe(
      'if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL 4 sudo -n sh -s; ' +
        'else exec sudo -n sh -s; fi',
    );
    const out = execFileSync('sh', ['-c', withRemoteTimeout('sh -s', 5000)], {
      input: 'echo "pid $$ parent $PPID"; ps -o comm= -p $PPID\n',
    });
    expect(out.toString()).toMatch(/^pid \d+ parent \d+\ntimeout\n$/);
  });

  it('keeps stdin, output and exit status of the command (run by sh here)', () => {
    const out = execFileSync('sh', ['-c', withRemoteTimeout('read a; echo "got $a" \'q\'', 5000)], {
      input: 'line\n',
    });
    expect(out.toString()).toBe('got line q\n');
    const r = spawnSync('sh', ['-c', withRemoteTimeout('exit 3', 5000)]);
    expect(r.status).toBe(3);
  });
});
