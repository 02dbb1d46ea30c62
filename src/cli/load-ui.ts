/**
 * Load the ink terminal UI on demand. ink and react cost ~0.45 s of CPU and ~35 MiB to load: only
 * the terminal UI pays for them (a cron check or --plain run never does).
 *
 * ink decides once, when it is first loaded, that a `CI` variable means "not interactive" and
 * then draws nothing until exit. sysfleet already chose the live view because stdout and stdin are
 * a terminal, so ink is loaded with CI hidden: an operator whose shell exports CI=true (a CI
 * runner's debug shell, tmux started from a job) still sees the rollout live.
 *
 * React and ink's reconciler choose their development or production build from NODE_ENV when
 * first loaded, and an unset NODE_ENV means development: extra checks on every render, which
 * made the live view cost ~20 % of an apply's CPU. Unless the operator set NODE_ENV, they are
 * loaded as production.
 */
type UiModule = typeof import('../ui/render.js');

let loading: Promise<UiModule> | undefined;

export function loadUi(): Promise<UiModule> {
  loading ??= withUiLoadEnv(() => import('../ui/render.js'));
  return loading;
}

/** Run `load` with CI hidden and NODE_ENV=production (unless set); the environment is restored. */
export async function withUiLoadEnv<T>(load: () => Promise<T>): Promise<T> {
  const names = ['CI', 'CONTINUOUS_INTEGRATION', 'NODE_ENV'] as const;
  const saved = names.map((n) => [n, process.env[n]] as const);
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  process.env['NODE_ENV'] ??= 'production';
  try {
    return await load();
  } finally {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  }
}
