/**
 * The one place a finished host becomes a record and a `host-done` event: apply, its
 * auto-rollback, rollback, skipped hosts and check all build them here, so every consumer (the
 * live view, plain lines, JSONL, the run store, exit codes) reads the same fields.
 */
import { now } from './clock.js';
import type { FileResult, HostDoneRecord, HostOutcome, KeyResult, RunEvent } from './events.js';

export type { HostDoneRecord };

/** A record for HOST that started at STARTED (Date.now() ms; undefined = never started). */
export function doneRecord(
  host: string,
  started: number | undefined,
  outcome: HostOutcome,
  fields: { keys?: KeyResult[]; files?: FileResult[]; error?: string | { message: string } } = {},
): HostDoneRecord {
  const error = typeof fields.error === 'string' ? fields.error : fields.error?.message;
  return {
    host,
    outcome,
    keys: fields.keys ?? [],
    ...(fields.files && fields.files.length > 0 ? { files: fields.files } : {}),
    ...(error !== undefined ? { error } : {}),
    durationMs: started === undefined ? 0 : Date.now() - started,
  };
}

export function doneEvent(r: HostDoneRecord): Extract<RunEvent, { type: 'host-done' }> {
  return { type: 'host-done', at: now(), ...r };
}
