/**
 * GNU time's `-o FILE -f '%e %U %S %M'` output (pure). When the command fails, time writes
 * "Command exited with non-zero status N" (or "Command terminated by signal N") before the line.
 */

export interface TimeOutput {
  elapsedS: number;
  userS: number;
  sysS: number;
  maxRssKiB: number;
  exitCode: number;
}

export function parseTimeOutput(text: string): TimeOutput | undefined {
  const lines = text.trim().split('\n');
  const last = lines.at(-1) ?? '';
  const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(last.trim());
  if (!m) return undefined;
  let exitCode = 0;
  for (const line of lines) {
    const status = /^Command exited with non-zero status (\d+)/.exec(line);
    if (status) exitCode = Number(status[1]);
    const sig = /^Command terminated by signal (\d+)/.exec(line);
    if (sig) exitCode = 128 + Number(sig[1]);
  }
  return {
    elapsedS: Number(m[1]),
    userS: Number(m[2]),
    sysS: Number(m[3]),
    maxRssKiB: Number(m[4]),
    exitCode,
  };
}
