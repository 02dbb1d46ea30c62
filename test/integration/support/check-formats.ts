/**
 * Readers for what `sysfleet check` writes, so the test judges the files as their consumers
 * would: the JSON report against schemas/report.schema.json (ajv), Prometheus text format
 * lines, and a Nagios plugin status line with perfdata.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { CheckReport } from '../../../src/report/types.js';

const schemaPath = fileURLToPath(new URL('../../../schemas/report.schema.json', import.meta.url));
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  formats: {
    'date-time': (s: string) =>
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !isNaN(Date.parse(s)),
  },
});
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

/** Parse and validate; throws with ajv's errors when the report breaks the schema. */
export function readReport(path: string): CheckReport {
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!validate(data)) {
    throw new Error(`${path} breaks report.schema.json: ${ajv.errorsText(validate.errors)}`);
  }
  return data as CheckReport;
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Strict enough for node_exporter: HELP/TYPE comments, `name{l="v",...} value` samples. */
export function parsePrometheus(text: string): PromSample[] {
  if (!text.endsWith('\n')) throw new Error('Prometheus text must end with a newline');
  const samples: PromSample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
    let at = 0;
    while (at < body.length) {
      re.lastIndex = at;
      const l = re.exec(body);
      if (!l) throw new Error(`bad labels in: ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      at = re.lastIndex;
    }
    const value = Number(m[3]);
    if (Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** The samples of `name` whose labels include `match`. */
export function samplesOf(
  samples: PromSample[],
  name: string,
  match: Record<string, string> = {},
): PromSample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
}

export interface NagiosOutput {
  state: string;
  text: string;
  perf: Record<string, { value: number; uom: string; rest: string[] }>;
}

/** One line `SYSFLEET <STATE> - text | 'label'=value[uom];warn;crit;min;max ...`. */
export function parseNagios(stdout: string): NagiosOutput {
  const lines = stdout.split('\n');
  if (lines.length !== 2 || lines[1] !== '') {
    throw new Error(`expected exactly one line, got ${JSON.stringify(stdout)}`);
  }
  const m = /^SYSFLEET (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+) \| (.+)$/.exec(lines[0]!);
  if (!m) throw new Error(`not a Nagios status line: ${lines[0]}`);
  const perf: NagiosOutput['perf'] = {};
  for (const item of m[3]!.split(' ')) {
    const p = /^'((?:[^']|'')+)'=(-?[\d.]+)([a-zA-Z%]*)((?:;[^;]*){0,4})$/.exec(item);
    if (!p) throw new Error(`bad perfdata item: ${item}`);
    perf[p[1]!.replace(/''/g, "'")] = {
      value: Number(p[2]),
      uom: p[3]!,
      rest: p[4]!.split(';').slice(1),
    };
  }
  return { state: m[1]!, text: m[2]!, perf };
}
