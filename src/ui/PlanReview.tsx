/**
 * Plan review: what apply would do, grouped by identical change set, then files that will
 * still shadow the persistent file, then evidence findings, then a y/N confirmation.
 * `y` confirms; anything else (n, Enter, Esc, …) declines. The answer is shown, then reported.
 */
import { Box, Text, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { plural, truncate } from './format.js';
import { formatGroup, type ChangeGroup, type GroupKind } from './group.js';
import type { PlanReview as PlanReviewData } from './review.js';

const KIND_COLORS: Record<GroupKind, string> = {
  change: 'cyan',
  blocked: 'yellow',
  compliant: 'green',
  failed: 'red',
  unreachable: 'magenta',
};

/** Small groups also name their hosts, e.g. "2 hosts: unreachable (db-7, db-9)". */
function groupLine(g: ChangeGroup): string {
  const names = g.hosts.length <= 3 && g.kind !== 'compliant' ? ` (${g.hosts.join(', ')})` : '';
  return formatGroup(g) + names;
}

export interface PlanReviewProps {
  review: PlanReviewData;
  /** e.g. the playbook name; shown in the heading. */
  title?: string;
  columns?: number;
  /** Most groups listed before "… N more groups". */
  maxGroups?: number;
  onAnswer: (confirmed: boolean) => void;
}

export function PlanReview({
  review,
  title,
  columns = 80,
  maxGroups = 12,
  onAnswer,
}: PlanReviewProps) {
  const [answer, setAnswer] = useState<boolean | undefined>(undefined);
  useInput(
    (input) => {
      setAnswer(input === 'y' || input === 'Y');
    },
    { isActive: answer === undefined },
  );
  // Report after the answer is on screen, so it is part of the frame left behind.
  const reported = useRef(false);
  useEffect(() => {
    if (answer === undefined || reported.current) return;
    reported.current = true;
    onAnswer(answer);
  }, [answer, onAnswer]);

  const groups = review.groups.slice(0, maxGroups);
  const hidden = review.groups.length - groups.length;
  const heading = `Plan${title ? ` for ${title}` : ''}: ${plural(review.totalHosts, 'host')}, ${review.changingHosts} would change`;
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate">
        {truncate(heading, columns)}
      </Text>
      {groups.map((g) => (
        <Text key={`${g.kind}:${g.label}`} color={KIND_COLORS[g.kind]} wrap="truncate">
          {truncate(`  ${groupLine(g)}`, columns)}
        </Text>
      ))}
      {hidden > 0 ? <Text color="gray">{`  … and ${hidden} more groups`}</Text> : null}
      {review.shadowing.length > 0 ? <Text bold>Still overridden at boot after apply:</Text> : null}
      {review.shadowing.map((s) => (
        <Text key={s.file} color="yellow" wrap="truncate">
          {truncate(`  ⚠ ${s.file} on ${plural(s.hosts.length, 'host')}`, columns)}
        </Text>
      ))}
      {review.findings.length > 0 ? <Text bold>Evidence:</Text> : null}
      {review.findings.map((f) => (
        <Text
          key={`${f.id}:${f.severity}`}
          color={f.severity === 'critical' ? 'red' : 'yellow'}
          wrap="truncate"
        >
          {truncate(
            `  ● ${f.severity} ${f.id} (incident ${f.incident}) on ${plural(f.hosts.length, 'host')}: ${f.message}`,
            columns,
          )}
        </Text>
      ))}
      <Box marginTop={1}>
        {answer === undefined ? (
          <Text bold>{`Apply to ${plural(review.changingHosts, 'host')}? y/N `}</Text>
        ) : (
          <Text bold color={answer ? 'green' : 'yellow'}>
            {answer ? 'confirmed: applying' : 'declined: nothing changed'}
          </Text>
        )}
      </Box>
    </Box>
  );
}
