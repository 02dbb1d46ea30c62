/**
 * runInventoryScript (an edge, hence load-script.ts): one run of a dynamic inventory script (`--list` or `--host H`), bounded the
 * way a scheduled compliance run needs: it ends by its deadline even when the script leaves a
 * child holding its stdout (execFile would wait for that child), and it keeps at most `maxBytes`
 * of stdout (a script printing without end is stopped as soon as it passes the cap). The script
 * runs in its own process group, so stopping it stops what it started, and nothing else.
 */
import { spawn } from 'node:child_process';

export interface ScriptLimits {
  timeoutMs: number;
  /** Most stdout bytes kept; more stops the script with an error. */
  maxBytes: number;
}

/** The last bytes of stderr kept for the error message. */
const STDERR_TAIL = 4096;
/** After SIGTERM to the group, how long before SIGKILL. */
const KILL_GRACE_MS = 1000;

export class InventoryScriptError extends Error {}

const mib = (n: number): string => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

export function runInventoryScript(
  path: string,
  args: readonly string[],
  limits: ScriptLimits,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    let failure: string | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(killTimer);
      child.stdout.destroy();
      child.stderr.destroy();
      if (failure) return reject(new InventoryScriptError(failure));
      if (exit && exit.code !== 0) {
        const why = exit.signal ? `killed by ${exit.signal}` : `exit status ${exit.code}`;
        const tail = stderr.trim().split('\n').at(-1);
        return reject(new InventoryScriptError(tail ? `${why}: ${tail}` : why));
      }
      resolve(Buffer.concat(chunks, bytes).toString('utf8'));
    };
    /** Stop the whole group; settle once it is gone (or at once when it ignores SIGTERM). */
    const stop = (why: string): void => {
      if (failure !== undefined) return; // stopping already (the cap, then the deadline)
      failure = why;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => {
        killGroup('SIGKILL');
        finish();
      }, KILL_GRACE_MS);
    };
    const deadline = setTimeout(
      () => stop(`did not finish within ${limits.timeoutMs / 1000} s`),
      limits.timeoutMs,
    );

    child.stdout.on('data', (c: Buffer) => {
      if (failure) return;
      bytes += c.length;
      if (bytes > limits.maxBytes) {
        stop(`printed more than ${mib(limits.maxBytes)}`);
        return;
      }
      chunks.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.on('error', (e) => {
      failure ??= e.message;
      finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // A stopped script: the group is gone with it; an exited one: what it started may still
      // hold stdout, so wait for 'close' up to the deadline (then the group is stopped).
      if (failure) {
        killGroup('SIGKILL');
        finish();
      }
    });
    child.on('close', () => {
      if (failure) killGroup('SIGKILL');
      finish();
    });
  });
}
