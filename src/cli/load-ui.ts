/**
 * Load the ink terminal UI on demand: only the terminal UI pays for ink and react (a cron check
 * or --plain run never does). The build bundles them (scripts/bundle-ui.mjs): ~0.07 s of CPU to
 * load instead of ~0.4 s for the separate modules.
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
import { existsSync } from 'node:fs';

type UiModule = typeof import('../ui/render.js');

/** The built UI in one file (scripts/bundle-ui.mjs): ~0.07 s to load instead of ~0.4 s. */
const BUNDLE = new URL('../ui/render.bundle.js', import.meta.url);

/** What loadUi loads: the bundle when the package is built, else the modules (tests from src/). */
export function uiModuleUrl(): string {
  return existsSync(BUNDLE) ? BUNDLE.href : new URL('../ui/render.js', import.meta.url).href;
}

let loading: Promise<UiModule> | undefined;

export function loadUi(): Promise<UiModule> {
  loading ??= withUiLoadEnv(() => import(uiModuleUrl()) as Promise<UiModule>);
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
