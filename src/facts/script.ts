/**
 * The gather script as it travels to a host: gather.sh (the functions) followed by one call of
 * sysfleet_main whose stdin is a quoted heredoc holding the validated keys. Nothing is ever put in
 * argv: the host runs a fixed command (`sh -s` or `sudo -n sh -s`) and reads this on stdin.
 */
import { readAssetSync } from '../parse/files.js';
import { stripShellComments } from '../parse/shell-strip.js';
import { isSysctlKey, KEY_GRAMMAR, normalizeKey } from '../sysctl/key.js';
import type { GatherWants } from './types.js';

/** The fixed remote command; the script arrives on stdin (become wraps it, transport/become.ts). */
export const GATHER_COMMAND = 'sh -s';

export class InvalidKeyError extends Error {
  constructor(readonly key: string) {
    super(
      `invalid sysctl key ${JSON.stringify(key)}: expected ${KEY_GRAMMAR}; globs are not gathered`,
    );
    this.name = 'InvalidKeyError';
  }
}

/** Everything: what a gather without a playbook's say (a fact dump, a test) reads. */
const GATHER_ALL: GatherWants = { net: true, tcpStates: true };

/** gather.sh's SYSFLEET_WANT: the optional sections, each between spaces. */
function wantList(wants: GatherWants): string {
  return ` ${wants.net ? 'net ' : ''}${wants.tcpStates ? 'tcpstates ' : ''}`;
}

/**
 * Pure: append the keys heredoc to the script body, after the optional sections wanted.
 * Throws InvalidKeyError on a bad key.
 */
export function renderGatherScript(
  body: string,
  keys: readonly string[],
  wants: GatherWants = GATHER_ALL,
): string {
  const canonical: string[] = [];
  for (const key of keys) {
    const k = normalizeKey(key);
    if (!isSysctlKey(k)) throw new InvalidKeyError(key);
    if (!canonical.includes(k)) canonical.push(k);
  }
  const end = body.endsWith('\n') ? '' : '\n';
  // SYSFLEET_CR as a literal: the script then needs no $(printf '\r') fork to make one.
  return `SYSFLEET_CR='\r'\nSYSFLEET_WANT='${wantList(wants)}'\n${body}${end}sysfleet_main <<'SYSFLEET_KEYS'\n${canonical.map((k) => k + '\n').join('')}SYSFLEET_KEYS\n`;
}

let cachedBody: string | undefined;

/**
 * gather.sh beside this module (src/facts, or dist/facts when the build copies it), else the
 * source tree's copy when running from dist/ without it.
 */
export function gatherScriptBody(): string {
  if (cachedBody !== undefined) return cachedBody;
  cachedBody = stripShellComments(
    readAssetSync(
      [
        new URL('./gather.sh', import.meta.url),
        new URL('../../src/facts/gather.sh', import.meta.url),
      ],
      'gather.sh',
    ),
  );
  return cachedBody;
}

export function buildGatherScript(
  keys: readonly string[],
  wants: GatherWants = GATHER_ALL,
): string {
  return renderGatherScript(gatherScriptBody(), keys, wants);
}
