/**
 * Before `go`: does the snapshot a host sent describe exactly what the control node asked it to
 * change? A broken or compromised host could answer with other keys, other files or content that
 * does not decode; told `go`, it could then not be restored. Pure: records and request in, the
 * first reason to refuse out (undefined when the snapshot is sound).
 */
import type { HostPlan } from '../plan/types.js';
import type { SfRecord } from './lines.js';
import type { Snapshot } from './types.js';
import { BASE64_PATTERN, MODE_PATTERN, VALUE_PATTERN } from './validate.js';

function decodedLength(b64: string): number | undefined {
  if (!BASE64_PATTERN.test(b64) || b64.length % 4 !== 0) return undefined;
  return Buffer.from(b64, 'base64').length;
}

export function checkSnapshot(
  snapshot: Snapshot,
  records: SfRecord[],
  plan: Pick<HostPlan, 'changes' | 'persistFile'>,
  runId: string,
): string | undefined {
  if (snapshot.runId !== runId) return `it is for run ${snapshot.runId || '(none)'}, not ${runId}`;
  const wanted = new Map(plan.changes.map((c) => [c.key, c]));
  const seen = new Set<string>();
  for (const k of snapshot.keys) {
    const c = wanted.get(k.key);
    if (!c) return `it holds key ${k.key}, which was not requested`;
    if (seen.has(k.key)) return `it holds key ${k.key} twice`;
    seen.add(k.key);
    if (k.state === 'value' && !VALUE_PATTERN.test(k.value)) {
      return `the value of ${k.key} is not a well-formed sysctl value`;
    }
    if (c.runtime && k.runValue !== c.to) {
      return `it records ${JSON.stringify(k.runValue ?? '')} as the target of ${k.key}, not ${JSON.stringify(c.to)}`;
    }
  }
  const missing = plan.changes.find((c) => !seen.has(c.key));
  if (missing) return `key ${missing.key} is missing from it`;

  const fileRecords = records.filter((r) => r.kind === 'snap-file');
  const want = plan.persistFile;
  if (!want) {
    return fileRecords.length === 0 ? undefined : 'it holds a file, and none was requested';
  }
  if (fileRecords.length !== 1 || snapshot.files.length !== 1) {
    return `it holds ${fileRecords.length} file records, not one for ${want.path}`;
  }
  const f = snapshot.files[0]!;
  const raw = fileRecords[0]!.fields;
  if (f.path !== want.path) return `it holds file ${f.path}, not ${want.path}`;
  if (f.runContentBase64 !== Buffer.from(want.content, 'utf8').toString('base64')) {
    return `the new content it records for ${f.path} is not the requested one`;
  }
  if (f.state === 'present') {
    if (!MODE_PATTERN.test(f.mode)) return `the mode of ${f.path} is not well-formed`;
    const len = decodedLength(f.contentBase64);
    if (len === undefined) return `the content of ${f.path} is not valid base64`;
    const size = raw.size;
    if (size !== undefined && (!/^[0-9]+$/.test(size) || Number(size) !== len)) {
      return `the content of ${f.path} is ${len} bytes, but the host says the file has ${size}`;
    }
    if (!['uid', 'gid'].every((n) => /^[0-9]+$/.test(raw[n] ?? ''))) {
      return `the owner of ${f.path} is not well-formed`;
    }
  } else if (raw.state !== 'absent') {
    return `the state of ${f.path} is ${JSON.stringify(raw.state ?? '')}`;
  }
  return undefined;
}
