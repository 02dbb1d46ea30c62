/**
 * Mounting the screens on a terminal: the imperative shell around the components. The live
 * view gets resize (clean redraw and a re-layout), a 1 s clock tick for elapsed/ETA, and on exit
 * leaves the Summary as the last frame. Both refuse to run without a TTY: non-interactive runs
 * use the plain or JSONL printers, and a plan is confirmed there by an explicit flag instead.
 */
import { render } from 'ink';
import { App } from './App.js';
import type { LiveCallbacks } from './keys.js';
import { PlanReview, type ReviewWording } from './PlanReview.js';
import type { PlanReview as PlanReviewData } from './review.js';
import type { RunStore } from './store.js';

export interface TerminalOptions {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Route console.* above the screen instead of through it (ink's patchConsole); default true. */
  patchConsole?: boolean;
}

export interface LiveRenderOptions extends TerminalOptions {
  /** Clock tick for elapsed time and ETA; default 1000 ms. */
  tickMs?: number;
  /** Exit (leaving the summary) when run-finished arrives; default true. */
  exitOnFinish?: boolean;
}

export interface LiveRolloutHandle {
  /** Settles when the app exits (run finished, or unmount()). */
  done: Promise<void>;
  /** Leave now (quit, fatal error): the summary so far is drawn and stays on screen. */
  unmount(): void;
}

function requireTty(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream, what: string): void {
  if (!stdout.isTTY || !stdin.isTTY) {
    throw new Error(
      `${what} needs an interactive terminal; use --plain or --json output (and --yes to confirm a plan) when not on a TTY`,
    );
  }
}

export function renderLiveRollout(
  store: RunStore,
  callbacks: LiveCallbacks,
  opts: LiveRenderOptions = {},
): LiveRolloutHandle {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  requireTty(stdout, stdin, 'the live view');
  const size = () => ({ rows: stdout.rows || 24, columns: stdout.columns || 80 });
  store.dispatch({ type: 'ui-resize', ...size() });
  const instance = render(
    <App store={store} callbacks={callbacks} exitOnFinish={opts.exitOnFinish ?? true} />,
    // Ctrl-C is a key like q (asks while hosts are in flight); the orchestrator decides.
    { stdout, stdin, exitOnCtrlC: false, maxFps: 20, patchConsole: opts.patchConsole ?? true },
  );
  const onResize = () => {
    instance.clear();
    store.dispatch({ type: 'ui-resize', ...size() });
  };
  stdout.on('resize', onResize);
  const tick = setInterval(
    () => store.dispatch({ type: 'ui-tick', now: Date.now() }),
    opts.tickMs ?? 1000,
  );
  const done = instance
    .waitUntilExit()
    .then(() => undefined)
    .finally(() => {
      clearInterval(tick);
      stdout.off('resize', onResize);
      store.close();
    });
  return {
    done,
    unmount() {
      // App draws the summary and exits; the timer is a fallback should React never render again.
      store.dispatch({ type: 'ui-close' });
      setTimeout(() => instance.unmount(), 500).unref();
    },
  };
}

export interface PlanReviewOptions extends TerminalOptions {
  title?: string;
  /** A rollback's words instead of apply's. */
  wording?: ReviewWording;
}

/** Show the plan and ask y/N. Resolves true only on `y`. Rejects without a TTY. */
export async function renderPlanReview(
  review: PlanReviewData,
  opts: PlanReviewOptions = {},
): Promise<boolean> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  requireTty(stdout, stdin, 'plan review');
  let confirmed = false;
  const instance = render(
    <PlanReview
      review={review}
      title={opts.title}
      wording={opts.wording}
      columns={stdout.columns || 80}
      maxGroups={Math.max(3, (stdout.rows || 24) - 10)}
      onAnswer={(yes) => {
        confirmed = yes;
        instance.unmount();
      }}
    />,
    { stdout, stdin, exitOnCtrlC: true, patchConsole: opts.patchConsole ?? true },
  );
  await instance.waitUntilExit();
  return confirmed;
}
