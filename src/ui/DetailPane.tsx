/**
 * The selected host's details, cut to the rows the layout gives it; while `r` asks, what a
 * rollback would put back instead (wrapped: those lines must be read whole).
 */
import { Box, Text } from 'ink';
import { detailLines, type DetailLine } from './detail.js';
import { rollbackPreview } from './rollback-preview.js';
import { truncate, wrapLine } from './format.js';
import type { UiState } from './state.js';
import { layout, selectedHost } from './view.js';

export function DetailPane({ state }: { state: UiState }) {
  const rows = layout(state).detailRows;
  const host = selectedHost(state);
  const asking = state.prompt === 'rollback';
  const source: DetailLine[] = asking
    ? rollbackPreview(state).map((text, i) => (i === 0 ? { text, bold: true } : { text }))
    : host
      ? detailLines(host)
      : [{ text: 'no host selected', color: 'gray' }];
  // Wrapped, not cut: an error or a restore line must be read to its end.
  const lines = source.flatMap((l) =>
    wrapLine(l.text, state.columns).map((text) => ({ ...l, text })),
  );
  // One row goes to the rule above the pane.
  const avail = Math.max(1, rows - 1);
  const shown =
    lines.length > avail
      ? [...lines.slice(0, avail - 1), { text: `… ${lines.length - avail + 1} more lines` }]
      : lines;
  const rule = '─'.repeat(Math.max(0, state.columns - 1));
  return (
    <Box flexDirection="column" height={rows}>
      <Text color="gray" wrap="truncate">
        {rule}
      </Text>
      {shown.map((l, i) => (
        <Text
          key={i}
          color={'color' in l ? l.color : undefined}
          bold={'bold' in l ? l.bold : false}
          wrap="truncate"
        >
          {truncate(l.text, state.columns)}
        </Text>
      ))}
    </Box>
  );
}
