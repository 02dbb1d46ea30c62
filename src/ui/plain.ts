/**
 * Plain-line output of run events for --plain, NO_COLOR and non-TTY runs (cron, CI, pipes):
 * one readable line per host completion and per wave, stop reasons, and a final summary.
 * No ink, no colour, no cursor movement. formatEventPlain is pure; createPlainPrinter folds
 * the same reducer the TUI uses so lines can say "[12/5000]" and the summary can list failures.
 */
import type { RunEvent } from '../run/events.js';
import type { LineSink } from './jsonl.js';
import { formatDuration, formatKeyChange, plural, shortKey } from './format.js';
import { getHost } from './host-table.js';
import { describeChange } from './group.js';
import { hostsDone } from './view.js';
import { initialUiState, reduce, type UiState } from './state.js';
import { groupFailures, groupLine } from './failure-groups.js';
import { summarize } from './run-summary.js';

const MAX_KEYS_PER_LINE = 4;
const MAX_FAILURES_LISTED = 20;

function waveLabel(wave: number, state?: UiState): string {
  return state && state.waveCount > 0 ? `${wave}/${state.waveCount}` : String(wave);
}

function listed(parts: string[]): string {
  const shown = parts.slice(0, MAX_KEYS_PER_LINE);
  const more = parts.length - shown.length;
  return shown.join(', ') + (more > 0 ? `, +${more} more` : '');
}

function hostDoneLine(event: Extract<RunEvent, { type: 'host-done' }>, state?: UiState): string {
  const keyErrors = event.keys.filter((k) => k.error).map((k) => `${shortKey(k.key)}: ${k.error}`);
  let detail: string;
  if (event.error || keyErrors.length > 0) {
    detail = listed([...(event.error ? [event.error] : []), ...keyErrors]);
  } else if (event.keys.length > 0) {
    detail = listed(
      event.keys.map((k) => `${shortKey(k.key)} ${formatKeyChange(k.before, k.after)}`),
    );
  } else {
    const changes = state ? (getHost(state.hosts, event.host)?.plan?.changes ?? []) : [];
    detail = listed(changes.map(describeChange));
  }
  const progress = state
    ? `[${String(hostsDone(state)).padStart(String(state.hosts.size).length)}/${state.hosts.size}] `
    : '';
  const text = `${progress}${event.host}  ${event.outcome.padEnd(11)}`;
  return `${text}${detail ? `  ${detail}` : ''}  (${formatDuration(event.durationMs)})`;
}

/** One line (or a few, for the final summary) per event worth a line; undefined otherwise. */
export function formatEventPlain(event: RunEvent, state?: UiState): string | undefined {
  switch (event.type) {
    case 'run-started': {
      const waves = event.waves.length > 1 ? `, ${plural(event.waves.length, 'wave')}` : '';
      const playbook = event.playbook ? `: playbook ${event.playbook}` : '';
      return `sysfleet ${event.kind} run ${event.runId}${playbook}, ${plural(event.hosts.length, 'host')}${waves}`;
    }
    case 'wave-started':
      return `wave ${waveLabel(event.wave, state)} started: ${plural(event.hosts.length, 'host')}`;
    case 'host-done':
      return hostDoneLine(event, state);
    case 'wave-done':
      return `wave ${waveLabel(event.wave, state)} done: ${event.failed} of ${plural(event.total, 'host')} failed`;
    case 'health-gate':
      return `health gate after wave ${waveLabel(event.wave, state)}: ${event.ok ? 'ok' : `FAILED${event.reason ? `: ${event.reason}` : ''}`}`;
    case 'run-paused':
      return `paused after wave ${waveLabel(event.afterWave, state)}`;
    case 'run-stopping':
      return `stopping: ${event.reason}${event.detail ? ` (${event.detail})` : ''}`;
    case 'run-finished':
      return state ? summaryText(state) : `run ${event.runId} finished, exit ${event.exitCode}`;
    default:
      return undefined;
  }
}

/** The final summary as plain lines (also what a non-TTY run leaves in its log). */
export function summaryText(state: UiState): string {
  const s = summarize(state);
  const counts = s.counts.map((c) => `${c.n} ${c.label}`).join(', ') || 'no hosts';
  const how = s.finished
    ? `finished in ${formatDuration(s.elapsedMs)}, exit ${s.exitCode ?? '?'}`
    : `not finished after ${formatDuration(s.elapsedMs)}`;
  const lines = [`run ${s.runId ?? '?'} ${how}: ${counts}`];
  const groups = groupFailures(s.failures);
  for (const g of groups.slice(0, MAX_FAILURES_LISTED)) lines.push(groupLine(g));
  if (groups.length > MAX_FAILURES_LISTED) {
    const more = groups.slice(MAX_FAILURES_LISTED).reduce((n, g) => n + g.hosts.length, 0);
    lines.push(`  … and ${more} more failed hosts (other reasons)`);
  }
  for (const stop of s.stops) lines.push(`  ${stop}`);
  for (const step of s.nextSteps) lines.push(`next: ${step}`);
  return lines.join('\n');
}

/** A printer for a stream of events, writing whole lines to `out` (e.g. process.stdout). */
export function createPlainPrinter(out: LineSink): (event: RunEvent) => void {
  let state = initialUiState();
  return (event) => {
    state = reduce(state, event);
    const line = formatEventPlain(event, state);
    if (line !== undefined) out.write(`${line}\n`);
  };
}
