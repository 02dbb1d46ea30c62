/**
 * Plan review: what apply (or a rollback) would do, grouped by identical change set, then files
 * that will still shadow the persistent file, then evidence findings, then a y/N confirmation.
 * `y` confirms; anything else (n, Enter, Esc, …) declines. The answer is shown, then reported.
 * Lines wrap, never truncate: the key that matters most may be the last of a change set.
 */
import { Box, Text, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { plural } from './format.js';
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

/** The words of a review: apply's by default, a rollback's when given. */
export interface ReviewWording {
  /** First line, e.g. "Rollback of run X: 50 hosts, 48 to restore". */
  heading?: string;
  /** e.g. "Roll back 48 hosts?" (y/N is added). */
  question?: string;
  confirmed?: string;
  declined?: string;
}

export interface PlanReviewProps {
  review: PlanReviewData;
  /** e.g. the playbook name; shown in the heading. */
  title?: string;
  columns?: number;
  /** Most groups listed before "… N more groups". */
  maxGroups?: number;
  wording?: ReviewWording;
  onAnswer: (confirmed: boolean) => void;
}

/** One wrapped item: continuation lines are indented under its text, not under the margin. */
function Item({ indent, text, color }: { indent: number; text: string; color?: string }) {
  return (
    <Box paddingLeft={indent}>
      <Text color={color} wrap="wrap">
        {text}
      </Text>
    </Box>
  );
}

export function PlanReview({
  review,
  title,
  columns = 80,
  maxGroups = 12,
  wording = {},
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
  const heading =
    wording.heading ??
    `Plan${title ? ` for ${title}` : ''}: ${plural(review.totalHosts, 'host')}, ${review.changingHosts} would change`;
  const question = wording.question ?? `Apply to ${plural(review.changingHosts, 'host')}?`;
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="wrap">
        {heading}
      </Text>
      {groups.map((g) => (
        <Item
          key={`${g.kind}:${g.label}`}
          indent={2}
          text={groupLine(g)}
          color={KIND_COLORS[g.kind]}
        />
      ))}
      {hidden > 0 ? <Text color="gray">{`  … and ${hidden} more groups`}</Text> : null}
      {review.shadowing.length > 0 ? <Text bold>Still overridden at boot after apply:</Text> : null}
      {review.shadowing.map((s) => (
        <Item
          key={s.file}
          indent={2}
          color="yellow"
          text={`⚠ ${s.file} on ${plural(s.hosts.length, 'host')}`}
        />
      ))}
      {review.findings.length > 0 ? <Text bold>Evidence:</Text> : null}
      {review.findings.map((f) => (
        <Item
          key={`${f.id}:${f.severity}`}
          indent={2}
          color={f.severity === 'critical' ? 'red' : 'yellow'}
          text={`● ${f.severity} ${f.id} (incident ${f.incident}) on ${plural(f.hosts.length, 'host')}: ${f.message}`}
        />
      ))}
      <Box marginTop={1}>
        {answer === undefined ? (
          <Text bold wrap="wrap">{`${question} y/N `}</Text>
        ) : (
          <Text bold color={answer ? 'green' : 'yellow'} wrap="wrap">
            {answer
              ? (wording.confirmed ?? 'confirmed: applying')
              : (wording.declined ?? 'declined: nothing changed')}
          </Text>
        )}
      </Box>
    </Box>
  );
}
