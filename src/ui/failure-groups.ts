/**
 * Failures that share a reason, shown once with the hosts they apply to: 300 hosts refusing the
 * same value make one line, not 300. Pure. A reason that names its host ("h01: output exceeded
 * 1 MiB") is compared with the host's name taken out.
 */
import type { HostOutcome } from '../run/events.js';

export interface FailureGroup {
  outcome: HostOutcome;
  error?: string;
  hosts: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The reason as shared by hosts: a leading "HOST: " dropped, other mentions as "<host>". */
export function sharedReason(host: string, error: string | undefined): string | undefined {
  if (error === undefined) return undefined;
  return error
    .replace(new RegExp(`^${escape(host)}: `), '')
    .replace(new RegExp(`\\b${escape(host)}\\b`, 'g'), '<host>');
}

/** Groups in order of first appearance. */
export function groupFailures(
  failures: readonly { host: string; outcome: HostOutcome; error?: string | undefined }[],
): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const f of failures) {
    const error = sharedReason(f.host, f.error);
    const id = JSON.stringify([f.outcome, error ?? null]);
    const g = groups.get(id);
    if (g) g.hosts.push(f.host);
    else
      groups.set(id, {
        outcome: f.outcome,
        ...(error !== undefined ? { error } : {}),
        hosts: [f.host],
      });
  }
  return [...groups.values()];
}

/** "h01, h02, h03" or "h01, h02, … (+298 more)" for a group's hosts. */
export function hostList(hosts: readonly string[], max = 5): string {
  if (hosts.length <= max) return hosts.join(', ');
  return `${hosts.slice(0, max).join(', ')}, … (+${hosts.length - max} more)`;
}

/** One line of a group, as the summaries print it. */
export function groupLine(g: FailureGroup): string {
  const who = g.hosts.length === 1 ? g.hosts[0]! : `${hostList(g.hosts)} [${g.hosts.length} hosts]`;
  const error =
    g.error === undefined
      ? ''
      : g.hosts.length === 1
        ? g.error.replaceAll('<host>', g.hosts[0]!)
        : g.error;
  return `  ${g.outcome.padEnd(11)} ${who}${error ? `  ${error}` : ''}`;
}
