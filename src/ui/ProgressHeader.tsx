/**
 * The live screen's first four lines: run identity and wave, a progress bar coloured by state
 * with the ETA, counts per state, and a status line (requests, stop reasons, active filter).
 */
import { Box, Text } from 'ink';
import { BUCKET_LABELS, formatDuration, truncate } from './format.js';
import type { HostBucket, UiState } from './state.js';
import { BUCKET_COLORS } from './theme.js';
import { elapsedMs, etaMs, hostView, hostsDone } from './view.js';

const BAR_ORDER: HostBucket[] = [
  'failed',
  'unreachable',
  'reverted',
  'drift',
  'changed',
  'rolled_back',
  'unchanged',
  'compliant',
  'skipped',
  'in_flight',
];

/** Segments of the bar: cumulative rounding so the widths always add up to `width`. */
export function barSegments(
  state: UiState,
  width: number,
): { bucket: HostBucket; chars: number }[] {
  const total = state.hosts.size;
  if (total === 0) return [];
  let cum = 0;
  let used = 0;
  return BAR_ORDER.map((bucket) => {
    cum += state.counts[bucket];
    const end = Math.round((cum / total) * width);
    const chars = end - used;
    used = end;
    return { bucket, chars };
  }).filter((s) => s.chars > 0);
}

function title(state: UiState): string {
  const wave = state.waveCount > 1 ? `  wave ${state.wave} of ${state.waveCount}` : '';
  const flags = state.stopping ? '  STOPPING' : state.paused ? '  PAUSED' : '';
  return `sysfleet ${state.kind ?? ''}  run ${state.runId ?? '…'}  playbook ${state.playbook ?? '-'}${wave}${flags}`;
}

function statusLine(state: UiState): string {
  const parts: string[] = [];
  if (state.filter) {
    parts.push(`filter "${state.filter}": ${hostView(state).length} of ${state.hosts.size}`);
  }
  if (state.requests.abort && !state.stopping) parts.push('aborting: finishing hosts in flight…');
  else if (state.requests.pause && !state.paused) parts.push('pausing after this wave…');
  if (state.requests.rollback) parts.push('rollback requested');
  const last = state.log[state.log.length - 1];
  if (last) parts.push(last.text);
  return parts.join('  ·  ');
}

export function ProgressHeader({ state }: { state: UiState }) {
  const width = state.columns;
  const done = hostsDone(state);
  const total = state.hosts.size;
  const pct = total ? Math.floor((done / total) * 100) : 0;
  const eta = etaMs(state);
  const tail = ` ${String(pct).padStart(3)}% ${done}/${total}  elapsed ${formatDuration(elapsedMs(state))}${eta !== undefined ? `  ETA ${formatDuration(eta)}` : ''}`;
  // The bar takes what the numbers leave, so the ETA is never cut off.
  const barWidth = Math.max(10, Math.min(60, width - tail.length - 1));
  const segments = barSegments(state, barWidth);
  const pendingChars = barWidth - segments.reduce((n, s) => n + s.chars, 0);
  const counts = (Object.keys(BUCKET_LABELS) as HostBucket[]).filter((b) => state.counts[b] > 0);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {truncate(title(state), width)}
      </Text>
      <Text wrap="truncate">
        {segments.map((s) => (
          <Text key={s.bucket} color={BUCKET_COLORS[s.bucket]}>
            {'█'.repeat(s.chars)}
          </Text>
        ))}
        <Text color="gray">{'░'.repeat(pendingChars)}</Text>
        <Text>{tail}</Text>
      </Text>
      <Text wrap="truncate">
        {counts.length === 0 ? <Text color="gray">waiting for hosts…</Text> : null}
        {counts.map((b, i) => (
          <Text key={b} color={BUCKET_COLORS[b]}>
            {i > 0 ? '  ' : ''}
            {state.counts[b]} {BUCKET_LABELS[b]}
          </Text>
        ))}
      </Text>
      <Text color="yellow" wrap="truncate">
        {truncate(statusLine(state), width) || ' '}
      </Text>
    </Box>
  );
}
