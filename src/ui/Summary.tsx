/** The final summary, left on screen after the live view exits: counts, failures, next steps. */
import { Box, Text } from 'ink';
import { formatDuration, truncate } from './format.js';
import type { UiState } from './state.js';
import { groupFailures, groupLine } from './failure-groups.js';
import { summarize } from './run-summary.js';
import { BUCKET_COLORS } from './theme.js';

export function Summary({ state, maxFailures = 10 }: { state: UiState; maxFailures?: number }) {
  const s = summarize(state);
  const width = state.columns;
  const ok = s.exitCode === 0;
  const groups = groupFailures(s.failures);
  const shown = groups.slice(0, maxFailures);
  const hidden = groups.slice(maxFailures).reduce((n, g) => n + g.hosts.length, 0);
  return (
    <Box flexDirection="column" width={width}>
      <Text
        bold
        color={!s.finished || s.exitCode === 1 ? 'yellow' : ok ? 'green' : 'red'}
        wrap="truncate"
      >
        {truncate(
          s.finished
            ? `sysfleet ${s.kind ?? ''} run ${s.runId ?? '?'} finished in ${formatDuration(s.elapsedMs)} — exit ${s.exitCode ?? '?'}`
            : `sysfleet ${s.kind ?? ''} run ${s.runId ?? '?'} left after ${formatDuration(s.elapsedMs)}, before it finished`,
          width,
        )}
      </Text>
      <Text wrap="truncate">
        {s.counts.map((c, i) => (
          <Text key={c.bucket} color={BUCKET_COLORS[c.bucket]}>
            {i > 0 ? '  ' : ''}
            {c.n} {c.label}
          </Text>
        ))}
        <Text color="gray">{`  of ${s.totalHosts} hosts`}</Text>
      </Text>
      {shown.length > 0 ? <Text bold>failures:</Text> : null}
      {shown.map((g) => (
        <Box key={g.hosts[0]} paddingLeft={2}>
          <Text color={BUCKET_COLORS[g.outcome]} wrap="wrap">
            {groupLine(g).replace(/^ {2}/, '')}
          </Text>
        </Box>
      ))}
      {hidden > 0 ? <Text color="gray">{`  … and ${hidden} more`}</Text> : null}
      {s.stops.map((stop, i) => (
        <Text key={i} color="yellow" wrap="wrap">
          {stop}
        </Text>
      ))}
      {s.nextSteps.map((step) => (
        // A command to copy: wrapped under its own column, never cut.
        <Box key={step}>
          <Text color="cyan">next: </Text>
          <Text wrap="wrap">{step}</Text>
        </Box>
      ))}
    </Box>
  );
}
