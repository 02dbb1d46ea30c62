/**
 * What a host printed outside the protocol (stderr, shell warnings), as kept with its result: a
 * bounded number of bounded lines, so that a chatty or hostile host cannot bloat the stored run.
 */
export const MAX_DIAGNOSTIC_LINES = 40;
export const MAX_DIAGNOSTIC_CHARS = 400;

export function diagnosticLines(text: string): string[] {
  const lines: string[] = [];
  let more = 0;
  // scan without splitting the whole text: it may be as large as the output cap
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + MAX_DIAGNOSTIC_CHARS + 1));
    start = end + 1;
    if (line.trim() === '') continue;
    if (lines.length >= MAX_DIAGNOSTIC_LINES) {
      more++;
      continue;
    }
    lines.push(
      line.length > MAX_DIAGNOSTIC_CHARS ? `${line.slice(0, MAX_DIAGNOSTIC_CHARS)}…` : line,
    );
  }
  if (more > 0) lines.push(`(${more} more line${more === 1 ? '' : 's'} not kept)`);
  return lines;
}
