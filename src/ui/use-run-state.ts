/** useRunState: the screens' view of a RunStore, re-rendered only when the store publishes. */
import { useSyncExternalStore } from 'react';
import type { UiState } from './state.js';
import type { RunStore } from './store.js';

export function useRunState(store: Pick<RunStore, 'subscribe' | 'getSnapshot'>): UiState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
