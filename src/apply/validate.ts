/**
 * Strict patterns for everything that is rendered into a host script. Anything that does not
 * match is refused before a script is built: data is never trusted to be shell-safe by accident.
 */

import { KEY_PATTERN, MAX_KEY_LENGTH } from '../sysctl/key.js';
import { VALUE_PATTERN } from '../sysctl/value.js';

export { VALUE_PATTERN };

/** Run ids: `20261121T052000Z-a1b2` (sortable by time). */
export const RUN_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$/;
/** The only files apply writes: a plain basename in /etc/sysctl.d ending in .conf. */
export const PERSIST_PATH_PATTERN = /^\/etc\/sysctl\.d\/[A-Za-z0-9_][A-Za-z0-9_.@-]*\.conf$/;
/** user@host of the control node as recorded in a lock. */
export const BY_PATTERN = /^[A-Za-z0-9_.@:+-]{1,200}$/;
/** Octal mode bits as `stat -c %a` prints them. */
export const MODE_PATTERN = /^[0-7]{1,4}$/;
/** Standard base64 (what Buffer produces), possibly empty. */
export const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

export class ScriptDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptDataError';
  }
}

function check(pattern: RegExp, what: string, value: string): string {
  if (!pattern.test(value)) {
    throw new ScriptDataError(`refusing ${what} ${JSON.stringify(value)}: must match ${pattern}`);
  }
  return value;
}

/** A canonical dotted key (src/sysctl/key.ts): no globs, no quotes; `/` only inside a name. */
export const checkKey = (key: string): string => {
  if (key.length > MAX_KEY_LENGTH)
    throw new ScriptDataError(`refusing sysctl key: longer than ${MAX_KEY_LENGTH}`);
  return check(KEY_PATTERN, 'sysctl key', key);
};
export const checkValue = (value: string): string => check(VALUE_PATTERN, 'sysctl value', value);
export const checkRunId = (id: string): string => check(RUN_ID_PATTERN, 'run id', id);
export const checkPersistPath = (path: string): string =>
  check(PERSIST_PATH_PATTERN, 'persistent file path', path);
export const checkMode = (mode: string): string => check(MODE_PATTERN, 'file mode', mode);
export const checkBase64 = (b64: string): string => check(BASE64_PATTERN, 'base64 data', b64);

/** Lock owner strings are informative only: anything unusual is replaced, never refused. */
export function safeBy(by: string): string {
  const cleaned = by.replace(/[^A-Za-z0-9_.@:+-]/g, '_').slice(0, 200);
  return BY_PATTERN.test(cleaned) ? cleaned : 'unknown';
}

export function checkUid(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 4294967295) {
    throw new ScriptDataError(`refusing ${what} ${n}: not a uid/gid`);
  }
  return n;
}

/** Single-quote a string already validated against one of the patterns above (no quotes in it). */
export function sq(value: string): string {
  if (value.includes("'")) throw new ScriptDataError('internal: quote in validated data');
  return `'${value}'`;
}
