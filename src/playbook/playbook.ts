/**
 * parsePlaybook: a playbook's YAML text → `Playbook`, or one `ModelErrors` listing every problem
 * with file:line:col: YAML syntax, schema (schemas/playbook.schema.json, ajv, all errors in one
 * pass), sysctl names (strict pattern, did-you-mean against known keys), values, and refusals of
 * known-dangerous targets (playbook-rules.ts) unless forced. Unknown but well-formed keys are
 * allowed with a warning (`Playbook.warnings`), since kernels keep adding keys.
 */
import { ModelErrors, type ModelError } from '../parse/errors.js';
import { bundledSchema } from '../parse/files.js';
import { splitPattern } from '../inventory/host-pattern.js';
import { canonicalInterfaceKey, isKnownSysctl, KNOWN_SYSCTL_SET } from '../sysctl/known-sysctls.js';
import { dangerousTargets, type Refusal } from './playbook-rules.js';
import { parseTarget, type TargetIssue } from './playbook-target.js';
import { schemaErrors } from '../parse/schema-check.js';
import { closest } from '../parse/suggest.js';
import { isGlobalKey, isSysctlKeyPattern, KEY_GRAMMAR, normalizeKey } from '../sysctl/key.js';
import type {
  EvidenceThreshold,
  EvidenceThresholds,
  Playbook,
  PlaybookOverride,
  Target,
} from './types.js';
import type { SysctlKey } from '../sysctl/types.js';
import { parseYaml, posAt, toPlain, type ParsedYaml } from '../parse/yaml-pos.js';

type Path = (string | number)[];
type Raw = Record<string, unknown>;

const TARGET_PATH = /^(\/overrides\/\d+)?\/targets\/[^/]+(\/|$)/;

function isMapping(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Collector {
  readonly errors: ModelError[] = [];
  readonly warnings: ModelError[] = [];
  constructor(readonly y: ParsedYaml) {}
  private make(path: Path, message: string, hint?: string, key = false): ModelError {
    const p = posAt(this.y, path, key);
    return { file: this.y.file, line: p.line, col: p.col, message, ...(hint ? { hint } : {}) };
  }
  error(path: Path, message: string, hint?: string, key = false): void {
    this.errors.push(this.make(path, message, hint, key));
  }
  warn(path: Path, message: string, hint?: string, key = false): void {
    this.warnings.push(this.make(path, message, hint, key));
  }
}

const KEY_HINT = `expected ${KEY_GRAMMAR}; no spaces, quotes or shell characters`;

function parseTargets(
  c: Collector,
  raw: unknown,
  path: Path,
  force: Set<string>,
): Record<SysctlKey, Target> {
  const out: Record<SysctlKey, Target> = {};
  if (!isMapping(raw)) return out; // the schema reported it
  const seen = new Map<string, string>();
  for (const [rawKey, rawTarget] of Object.entries(raw)) {
    const kpath = [...path, rawKey];
    const key = normalizeKey(rawKey);
    if (!isSysctlKeyPattern(key)) {
      c.error(kpath, `invalid sysctl name ${JSON.stringify(rawKey)}`, KEY_HINT, true);
      continue;
    }
    if (key.includes('*')) {
      c.error(
        kpath,
        `glob "${key}" cannot be a target`,
        'name each key (e.g. net.ipv4.conf.all.rp_filter and net.ipv4.conf.default.rp_filter): sysfleet snapshots, writes and verifies keys one by one',
        true,
      );
      continue;
    }
    const dup = seen.get(key);
    if (dup !== undefined) {
      c.error(kpath, `sysctl "${key}" is set twice (also as "${dup}")`, undefined, true);
      continue;
    }
    seen.set(key, rawKey);
    if (!isKnownSysctl(key) && !force.has(key)) {
      const guess = closest(canonicalInterfaceKey(key), KNOWN_SYSCTL_SET);
      if (guess) {
        c.error(
          kpath,
          `unknown sysctl "${key}"`,
          `did you mean "${guess}"? (list it under force: if "${key}" is right)`,
          true,
        );
        continue;
      }
      c.warn(
        kpath,
        `unknown sysctl "${key}" (allowed: kernels add keys; check the name)`,
        undefined,
        true,
      );
    }
    const issues: TargetIssue[] = [];
    const t = parseTarget(rawTarget, issues, key);
    for (const i of issues)
      c.error([...kpath, ...i.path], `${key}: ${i.message}`, i.hint, i.key ?? false);
    if (t && issues.length === 0) out[key] = t;
  }
  return out;
}

function parseThreshold(c: Collector, raw: unknown, path: Path): EvidenceThreshold | undefined {
  if (!isMapping(raw)) return undefined;
  const t: EvidenceThreshold = {};
  if (typeof raw['warn'] === 'number') t.warn = raw['warn'];
  if (typeof raw['crit'] === 'number') t.crit = raw['crit'];
  if (t.warn !== undefined && t.crit !== undefined && t.warn > t.crit) {
    c.error([...path, 'warn'], `warn ${t.warn} is above crit ${t.crit}`, 'warn must be <= crit');
  }
  return t;
}

function refusalErrors(
  c: Collector,
  refusals: Refusal[],
  force: Set<string>,
  where: (key: string) => Path,
): void {
  for (const r of refusals)
    if (!force.has(r.key)) c.error(where(r.key), `refused: ${r.message}`, r.hint, true);
}

/** Parses and validates a playbook. Throws ModelErrors with every problem found. */
export function parsePlaybook(text: string, file: string): Playbook {
  const y = parseYaml(text, file);
  if (y.errors.length > 0) throw new ModelErrors(y.errors);
  const c = new Collector(y);
  const plain = toPlain(y);
  if ('error' in plain) throw new ModelErrors([plain.error]);
  const raw: unknown = plain.value;
  if (!isMapping(raw)) {
    c.error([], 'a playbook must be a mapping with name, why, persist and targets');
    throw new ModelErrors(c.errors);
  }
  c.errors.push(
    ...schemaErrors(y, raw, bundledSchema('playbook.schema.json'), [], (p) => TARGET_PATH.test(p)),
  );

  const force = new Set<string>();
  if (Array.isArray(raw['force'])) {
    raw['force'].forEach((k, i) => {
      if (typeof k !== 'string') return;
      const key = normalizeKey(k);
      if (!isSysctlKeyPattern(key))
        c.error(['force', i], `invalid sysctl name ${JSON.stringify(k)} in force`, KEY_HINT);
      else force.add(key);
    });
  }
  const persist = typeof raw['persist'] === 'string' ? raw['persist'] : '';
  if (persist.endsWith('.conf')) {
    c.error(
      ['persist'],
      `persist is a basename without ".conf", got "${persist}"`,
      `write persist: ${persist.slice(0, -5)}`,
    );
  }
  const mbt = raw['middlebox_idle_timeout'];
  const middlebox = typeof mbt === 'number' && Number.isInteger(mbt) && mbt > 0 ? mbt : undefined;

  const targets = parseTargets(c, raw['targets'], ['targets'], force);
  refusalErrors(c, dangerousTargets(targets, middlebox), force, (k) => [
    'targets',
    rawKeyFor(raw['targets'], k),
  ]);

  const overrides: PlaybookOverride[] = [];
  if (Array.isArray(raw['overrides'])) {
    raw['overrides'].forEach((o: unknown, i) => {
      if (!isMapping(o) || typeof o['hosts'] !== 'string') return;
      if (splitPattern(o['hosts']).length === 0)
        c.error(['overrides', i, 'hosts'], 'empty host pattern');
      const ot = parseTargets(c, o['targets'], ['overrides', i, 'targets'], force);
      const base = new Set(dangerousTargets(targets, middlebox).map((r) => r.message));
      const merged = dangerousTargets({ ...targets, ...ot }, middlebox).filter(
        (r) => !base.has(r.message),
      );
      refusalErrors(c, merged, force, (k) =>
        k in ot
          ? ['overrides', i, 'targets', rawKeyFor(o['targets'], k)]
          : ['overrides', i, 'hosts'],
      );
      overrides.push({ hosts: o['hosts'], targets: ot });
    });
  }
  for (const k of force) {
    if (!(k in targets) && !overrides.some((o) => k in o.targets)) {
      c.warn(['force'], `force lists "${k}" but no target sets it`);
    }
  }

  const evidence: EvidenceThresholds = {};
  if (isMapping(raw['evidence'])) {
    for (const name of [
      'time_wait_port_ratio',
      'close_wait',
      'listen_overflows_delta',
      'conntrack_fill',
    ] as const) {
      const t = parseThreshold(c, raw['evidence'][name], ['evidence', name]);
      if (t) evidence[name] = t;
    }
  }
  if (c.errors.length > 0) throw new ModelErrors(c.errors);
  const pb: Playbook = {
    source: file,
    name: raw['name'] as string,
    why: raw['why'] as string,
    persist,
    targets,
    overrides,
    evidence,
    force: [...force],
  };
  if (middlebox !== undefined) pb.middlebox_idle_timeout = middlebox;
  if (c.warnings.length > 0) pb.warnings = c.warnings;
  return pb;
}

/** The key as written in the file (slash form or dotted) for positions. */
function rawKeyFor(rawTargets: unknown, key: string): string {
  if (!isMapping(rawTargets)) return key;
  return Object.keys(rawTargets).find((k) => normalizeKey(k) === key) ?? key;
}

/** Keys of a playbook (targets and overrides) that are global, not per network namespace. */
export function globalKeys(pb: Playbook): SysctlKey[] {
  const keys = new Set([
    ...Object.keys(pb.targets),
    ...pb.overrides.flatMap((o) => Object.keys(o.targets)),
  ]);
  return [...keys].filter(isGlobalKey);
}
