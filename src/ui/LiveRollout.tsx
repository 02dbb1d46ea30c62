/**
 * The live rollout screen: header with progress and ETA, the host list sized to the terminal,
 * an optional detail pane, and a footer with the key help, the filter being typed or a y/N
 * prompt. Keys are interpreted by keys.ts against the store's latest state (not the last
 * rendered one) and carried out here: dispatch to the store, call the given callbacks.
 */
import { Box, Text, useInput } from 'ink';
import { DetailPane } from './DetailPane.js';
import { truncate } from './format.js';
import { HostList } from './HostList.js';
import { keyCommands, type LiveCallbacks } from './keys.js';
import { ProgressHeader } from './ProgressHeader.js';
import type { UiState } from './state.js';
import { paneOpen } from './view.js';
import type { RunStore } from './store.js';

const HELP =
  '↑↓ move  PgUp/PgDn page  Enter details  / filter  p pause  a abort  r rollback  q quit';

function Footer({ state }: { state: UiState }) {
  const width = state.columns;
  if (state.prompt === 'quit') {
    const n = state.counts.in_flight;
    return (
      <Text color="yellow" bold wrap="truncate">
        {truncate(`${n} ${n === 1 ? 'host' : 'hosts'} in flight — quit? y/N`, width)}
      </Text>
    );
  }
  if (state.prompt === 'rollback') {
    return (
      <Text color="yellow" bold wrap="truncate">
        {truncate(`roll back run ${state.runId ?? ''}: every host it changed? y/N`, width)}
      </Text>
    );
  }
  if (state.filterDraft !== undefined) {
    return (
      <Text wrap="truncate">
        <Text color="cyan">/{state.filterDraft}▏</Text>
        <Text color="gray"> Enter apply · Esc clear</Text>
      </Text>
    );
  }
  return (
    <Text color="gray" wrap="truncate">
      {truncate(HELP, width)}
    </Text>
  );
}

export interface LiveRolloutProps {
  state: UiState;
  store: Pick<RunStore, 'dispatch' | 'getState'>;
  callbacks: LiveCallbacks;
}

export function LiveRollout({ state, store, callbacks }: LiveRolloutProps) {
  useInput((input, key) => {
    const cmd = keyCommands(store.getState(), input, key);
    for (const action of cmd.actions) store.dispatch(action);
    for (const call of cmd.calls) callbacks[call]();
  });
  return (
    <Box flexDirection="column" width={state.columns}>
      <ProgressHeader state={state} />
      <HostList state={state} />
      {paneOpen(state) ? <DetailPane state={state} /> : null}
      <Footer state={state} />
    </Box>
  );
}
