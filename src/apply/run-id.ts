/** Run ids sort by time: `20261121T052000Z-a1b2` (UTC second + 4 random hex digits). */
import { randomBytes } from 'node:crypto';
import { RUN_ID_PATTERN } from './validate.js';

export function formatRunId(at: Date, hex4: string): string {
  const iso = at.toISOString(); // 2026-11-21T05:20:00.000Z
  const stamp = iso.slice(0, 19).replace(/[-:]/g, '') + 'Z';
  return `${stamp}-${hex4}`;
}

export function newRunId(at: Date = new Date()): string {
  return formatRunId(at, randomBytes(2).toString('hex'));
}

export function isRunId(s: string): boolean {
  return RUN_ID_PATTERN.test(s);
}

/** The time a run id encodes. */
export function runIdTime(id: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  if (!m) throw new Error(`not a run id: ${id}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}
