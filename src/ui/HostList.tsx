/** The host list window: failures first, then in flight, then the rest; the selection marked. */
import { Box, Text } from 'ink';
import { memo } from 'react';
import { formatDuration, formatKeyChange, shortKey, truncate } from './format.js';
import { describeChange } from './group.js';
import { bucketOf, type HostState, type UiState } from './state.js';
import { BUCKET_COLORS } from './theme.js';
import { listWindow } from './view.js';

const STATUS_WIDTH = 12;

function detail(h: HostState): string {
  if (h.error) return h.error;
  const keyError = h.keys.find((k) => k.error);
  if (keyError) return `${shortKey(keyError.key)}: ${keyError.error}`;
  const time = h.durationMs !== undefined ? `${formatDuration(h.durationMs)}  ` : '';
  if (h.keys.length > 0) {
    return (
      time +
      h.keys.map((k) => `${shortKey(k.key)} ${formatKeyChange(k.before, k.after, '→')}`).join(', ')
    );
  }
  if (h.plan && h.plan.changes.length > 0)
    return time + h.plan.changes.map(describeChange).join(', ');
  if (!h.outcome && h.phase === 'pending' && h.wave) return `wave ${h.wave}`;
  return time.trim();
}

interface HostRowProps {
  host: HostState;
  selected: boolean;
  inverse: boolean;
  nameWidth: number;
  columns: number;
}

/**
 * One line of the list. Host records are immutable (a changed host is a new object), so React
 * skips the rows whose host, selection and widths did not change since the last frame.
 */
const HostRow = memo(function HostRow({
  host: h,
  selected,
  inverse,
  nameWidth,
  columns,
}: HostRowProps) {
  const status = (h.outcome ?? h.phase).replace('_', ' ');
  const head = `${selected ? '▸' : ' '} ${truncate(h.name, nameWidth).padEnd(nameWidth)}  `;
  const rest = Math.max(0, columns - head.length - STATUS_WIDTH - 1);
  return (
    <Text wrap="truncate" inverse={inverse}>
      <Text bold={selected}>{head}</Text>
      <Text color={BUCKET_COLORS[bucketOf(h)]}>{status.padEnd(STATUS_WIDTH)}</Text>
      <Text color={h.error ? 'red' : 'gray'}> {truncate(detail(h), rest)}</Text>
    </Text>
  );
});

export function HostList({ state }: { state: UiState }) {
  const win = listWindow(state);
  if (win.total === 0) {
    return (
      <Text color="gray">
        {state.filter ? `no host matches "${state.filter}"` : 'no hosts yet'}
      </Text>
    );
  }
  const nameWidth = Math.min(32, Math.max(...win.rows.map((h) => h.name.length)));
  return (
    <Box flexDirection="column">
      {win.rows.map((h, i) => {
        const selected = win.start + i === win.selected;
        return (
          <HostRow
            key={h.name}
            host={h}
            selected={selected}
            inverse={selected && state.detailOpen}
            nameWidth={nameWidth}
            columns={state.columns}
          />
        );
      })}
    </Box>
  );
}
