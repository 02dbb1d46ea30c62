/**
 * JSON Lines output of run events (`--json` for log pipelines): one event per line, exactly as
 * the orchestrator emitted it (RunEvent is plain JSON-serialisable data).
 */
import type { RunEvent } from '../run/events.js';

/** Anything with write(): a stream, or an array collector in tests. */
export interface LineSink {
  write(chunk: string): unknown;
}

export function formatEventJsonl(event: RunEvent): string {
  return JSON.stringify(event);
}

/** A printer for a stream of events, one JSON document per line to `out` (e.g. process.stdout). */
export function createJsonlPrinter(out: LineSink): (event: RunEvent) => void {
  return (event) => out.write(`${formatEventJsonl(event)}\n`);
}
