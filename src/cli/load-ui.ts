/**
 * Load the ink terminal UI on demand. ink and react cost ~0.45 s of CPU and ~35 MiB to load: only
 * the terminal UI pays for them (a cron check or --plain run never does).
 *
 * ink decides once, when it is first loaded, that a `CI` variable means "not interactive" and
 * then draws nothing until exit. sysfleet already chose the live view because stdout and stdin are
 * a terminal, so ink is loaded with CI hidden: an operator whose shell exports CI=true (a CI
 * runner's debug shell, tmux started from a job) still sees the rollout live.
 */
type UiModule = typeof import('../ui/render.js');

let loading: Promise<UiModule> | undefined;

export function loadUi(): Promise<UiModule> {
  loading ??= withoutCiEnv(() => import('../ui/render.js'));
  return loading;
}

async function withoutCiEnv<T>(load: () => Promise<T>): Promise<T> {
  const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = names.map((n) => [n, process.env[n]] as const);
  for (const n of names) delete process.env[n];
  try {
    return await load();
  } finally {
    for (const [n, v] of saved) if (v !== undefined) process.env[n] = v;
  }
}
