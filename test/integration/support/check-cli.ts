/**
 * Runs the BUILT sysfleet binary as a user would (`node dist/cli/main.js ...`), with its own
 * SYSFLEET_STATE_DIR, and measures the wall time of the whole process.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

export interface CliOptions {
  stateDir: string;
  /** Extra environment; a key set to undefined is removed from the inherited environment. */
  env?: Record<string, string | undefined>;
  /** Hard kill after this long (the test fails then: check must never hang). */
  timeoutMs?: number;
}

/** Secrets the lab or a developer shell may carry; unset unless a test passes one explicitly. */
const SECRET_VARS = [
  'SYSFLEET_BECOME_PASSWORD',
  'SYSFLEET_SSH_PASSWORD',
  'SYSFLEET_KEY_PASSPHRASE',
  'SYSFLEET_LAB_SUDO_PASSWORD',
];

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
}

export function sysfleet(args: string[], opts: CliOptions): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, SYSFLEET_STATE_DIR: opts.stateDir };
  for (const k of SECRET_VARS) delete env[k];
  // Never a TTY here, but make sure no colour/UI mode leaks in from the developer's shell.
  delete env['FORCE_COLOR'];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}
