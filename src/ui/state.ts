/**
 * UI state: ONE pure reducer over run events (src/run/events.ts) and UI-local actions (keys,
 * resize, clock ticks). Everything the screens show is this state or derived from it
 * (src/ui/view.ts). Per-event cost is O(sqrt n) in the number of hosts (see host-table.ts);
 * the sorted, filtered host list is derived lazily and memoised.
 */
import type { RunEvent } from '../run/events.js';
import { append, createHostTable, getAt, positionOf, setAt } from './host-table.js';
import { reduceLocal } from './local.js';
import {
  bucketOf,
  emptyCounts,
  initialUiState,
  type HostState,
  type LogEntry,
  type UiAction,
  type UiLocalAction,
  type UiState,
} from './model.js';

export * from './model.js';

/** Stop reasons and gate failures kept for the screen and summary. */
const LOG_LIMIT = 50;

function newHost(name: string, order: number, wave?: number): HostState {
  return { name, order, phase: 'pending', keys: [], wave };
}

function parseAt(at: string, fallback: number | undefined): number | undefined {
  const t = Date.parse(at);
  return Number.isNaN(t) ? fallback : t;
}

/** Replace (or add) one host, keeping counts and peak in-flight in step. */
function updateHost(state: UiState, name: string, fn: (h: HostState) => HostState): UiState {
  let hosts = state.hosts;
  let pos = positionOf(hosts, name);
  if (pos === undefined) {
    hosts = append(hosts, name, newHost(name, hosts.size));
    pos = hosts.size - 1;
  }
  const prev = getAt(hosts, pos) as HostState;
  const next = fn(prev);
  const counts = { ...state.counts };
  // An appended host was never counted; otherwise it leaves its old bucket.
  if (hosts === state.hosts) counts[bucketOf(prev)] -= 1;
  counts[bucketOf(next)] += 1;
  return {
    ...state,
    hosts: setAt(hosts, pos, next),
    counts,
    peakInFlight: Math.max(state.peakInFlight, counts.in_flight),
  };
}

function addLog(state: UiState, entry: LogEntry): LogEntry[] {
  return [...state.log.slice(-(LOG_LIMIT - 1)), entry];
}

function reduceEvent(state: UiState, event: RunEvent): UiState {
  const at = parseAt(event.at, state.lastEventAt);
  const s: UiState = { ...state, lastEventAt: at };
  switch (event.type) {
    case 'run-started': {
      const waveOf = new Map<string, number>();
      event.waves.forEach((hosts, i) => hosts.forEach((h) => waveOf.set(h, i + 1)));
      const names = [...new Set([...event.hosts, ...event.waves.flat()])];
      const hosts = createHostTable(
        names.map((n, i) => newHost(n, i, waveOf.get(n))),
        (h) => h.name,
      );
      return {
        ...initialUiState({ rows: s.rows, columns: s.columns, concurrency: s.concurrency }),
        runId: event.runId,
        kind: event.kind,
        playbook: event.playbook,
        startedAt: at,
        lastEventAt: at,
        now: s.now,
        hosts,
        counts: { ...emptyCounts(), pending: names.length },
        waveCount: event.waves.length,
      };
    }
    case 'wave-started':
      return { ...s, wave: event.wave, paused: false };
    case 'host-phase':
      return updateHost(s, event.host, (h) => ({ ...h, phase: event.phase }));
    case 'host-facts':
      return updateHost(s, event.host, (h) =>
        h.facts ? { ...h, factsAfter: event.facts } : { ...h, facts: event.facts },
      );
    case 'host-planned':
      return updateHost(s, event.host, (h) =>
        h.plan ? { ...h, planAfter: event.plan } : { ...h, plan: event.plan },
      );
    case 'host-done': {
      const next = updateHost(s, event.host, (h) => ({
        ...h,
        phase: 'done',
        outcome: event.outcome,
        keys: event.keys,
        files: event.files,
        error: event.error,
        durationMs: event.durationMs,
      }));
      if (event.outcome === 'skipped' || !(event.durationMs > 0)) return next;
      return {
        ...next,
        doneDurationsMs: next.doneDurationsMs + event.durationMs,
        doneWithDuration: next.doneWithDuration + 1,
      };
    }
    case 'wave-done':
      return s;
    case 'health-gate':
      return event.ok
        ? s
        : {
            ...s,
            log: addLog(s, {
              at: event.at,
              kind: 'health-gate',
              text: `health gate failed after wave ${event.wave}${event.reason ? `: ${event.reason}` : ''}`,
            }),
          };
    case 'run-paused':
      return {
        ...s,
        paused: true,
        log: addLog(s, {
          at: event.at,
          kind: 'paused',
          text: `paused after wave ${event.afterWave}`,
        }),
      };
    case 'run-stopping': {
      const text = `stopping: ${event.reason}${event.detail ? ` (${event.detail})` : ''}`;
      return {
        ...s,
        stopping: event.reason,
        log: addLog(s, { at: event.at, kind: 'stopping', text }),
      };
    }
    case 'run-finished':
      return {
        ...s,
        runId: s.runId ?? event.runId,
        finished: { at: event.at, exitCode: event.exitCode, counts: event.counts },
        prompt: undefined,
      };
  }
}

export function reduce(state: UiState, action: UiAction): UiState {
  if (!action.type.startsWith('ui-')) return reduceEvent(state, action as RunEvent);
  return reduceLocal(state, action as UiLocalAction);
}
