/** The live app: the rollout screen while the run goes, the summary once it finished. */
import { useApp } from 'ink';
import { useEffect } from 'react';
import type { LiveCallbacks } from './keys.js';
import { LiveRollout } from './LiveRollout.js';
import type { RunStore } from './store.js';
import { Summary } from './Summary.js';
import { useRunState } from './use-run-state.js';

export interface AppProps {
  store: RunStore;
  callbacks: LiveCallbacks;
  /** Leave the app (keeping the summary on screen) when the run finishes. Default true. */
  exitOnFinish?: boolean;
}

export function App({ store, callbacks, exitOnFinish = true }: AppProps) {
  const state = useRunState(store);
  const { exit } = useApp();
  const finished = state.finished !== undefined;
  const closing = state.closing === true;
  // Exit after the summary rendered, so it is the frame left on screen.
  useEffect(() => {
    if (closing || (finished && exitOnFinish)) exit();
  }, [closing, finished, exitOnFinish, exit]);
  if (finished || closing)
    return <Summary state={state} maxFailures={Math.max(3, state.rows - 12)} />;
  return <LiveRollout state={state} store={store} callbacks={callbacks} />;
}
