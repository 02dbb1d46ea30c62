/** Test fixtures for the apply layer (imported by tests only). */

/** The program a boot script carries (SF_PROGRAM='...', single quotes escaped as '\''). */
export function programOf(script: string): string {
  const m = /^SF_PROGRAM='([\s\S]*)'\nif ! \{ \[ -d \/var\/lib\/sysfleet\/work \]/m.exec(script);
  if (!m) throw new Error('not a boot script: no SF_PROGRAM line');
  return m[1]!.replaceAll(`'\\''`, `'`);
}
