/**
 * planHost: facts x targets -> HostPlan, pure. One KeyStatus per key; `changes` and
 * `persistFile` are exactly what apply will do, so a dry run is the plan.
 *
 * Status rules, in order: unreadable; absent (absent_allowed for absent_or targets, else
 * absent_required); runtime value outside the target -> runtime_differs; runtime right and the
 * boot-time value right -> compliant; no file sets it -> not_persisted; the winning file sets a
 * wrong value while an earlier file sets a right one -> shadowed (shadowedBy names the winner);
 * otherwise persisted_differs.
 *
 * Value written: `set`/`value` when the runtime is wrong; when only persistence is wrong, the
 * current runtime value (it meets the target, and persisting it keeps boot equal to now).
 */
import type { HostFacts } from '../facts/types.js';
import type { EvidenceThresholds, Target } from '../playbook/types.js';
import type { SysctlKey, SysctlValue } from '../sysctl/types.js';
import type { BootValue, HostPlan, KeyChange, KeyVerdict } from './types.js';
import { hostDialect, loadOrder, resolveKey, type KeyResolution } from './precedence.js';
import { choosePersistPath, renderPersistFile } from './persist.js';
import { describeTarget, satisfies, setValue } from './values.js';
import { computeFindings } from './findings.js';

export interface PlanOptions {
  /** Playbook.persist: basename (without .conf) of our file under /etc/sysctl.d. */
  persistBasename: string;
  evidence: EvidenceThresholds;
  /** Facts of the previous run of this host, for growth-based findings. */
  previous?: HostFacts;
  /** Named in the persistent file's header. */
  playbook?: { name: string; source: string };
}

function bootOf(res: KeyResolution): BootValue | undefined {
  return res.boot ? { value: res.boot.value, file: res.boot.file, line: res.boot.line } : undefined;
}

export function verdictFor(
  key: SysctlKey,
  target: Target,
  facts: HostFacts,
  res: KeyResolution,
): KeyVerdict {
  const reading = facts.sysctls[key] ?? { state: 'unreadable', error: 'not gathered' };
  const boot = bootOf(res);
  const base = { key, target, ...(boot ? { boot } : {}) };
  if (reading.state === 'unreadable') {
    return { ...base, status: 'unreadable', detail: reading.error };
  }
  if (reading.state === 'absent') {
    if (target.kind === 'absent_or') return { ...base, status: 'absent_allowed' };
    return {
      ...base,
      status: 'absent_required',
      detail: `key not present on kernel ${facts.kernel.release} (module not loaded or removed)`,
    };
  }
  const runtime = reading.value;
  const v = { ...base, runtime };
  if (!satisfies(target, runtime)) {
    return { ...v, status: 'runtime_differs', want: setValue(target) };
  }
  if (boot && satisfies(target, boot.value)) return { ...v, status: 'compliant' };
  if (!boot) {
    const ex = res.excludedBy;
    const detail = ex
      ? `no sysctl file sets it: ${ex.file}:${ex.line} excludes it from globs (-${ex.pattern})`
      : 'no sysctl file sets it';
    return { ...v, status: 'not_persisted', want: runtime, detail };
  }
  const rightButBeaten = res.assignments.find((a) => satisfies(target, a.value));
  if (rightButBeaten) {
    return {
      ...v,
      status: 'shadowed',
      want: runtime,
      shadowedBy: boot.file,
      detail: `${rightButBeaten.file}:${rightButBeaten.line} sets ${rightButBeaten.value} but ${boot.file}:${boot.line} sets ${boot.value} later`,
    };
  }
  return {
    ...v,
    status: 'persisted_differs',
    want: runtime,
    detail: `${boot.file}:${boot.line} sets ${boot.value} at boot, want ${describeTarget(target)}`,
  };
}

export function planHost(
  facts: HostFacts,
  targets: Record<SysctlKey, Target>,
  opts: PlanOptions,
): HostPlan {
  const order = loadOrder(facts.sysctlFiles, facts.sysctlLoader);
  const dialect = hostDialect(facts);
  const keys = Object.keys(targets).sort();
  const verdicts = keys.map((key) =>
    verdictFor(key, targets[key] as Target, facts, resolveKey(order, key, dialect)),
  );

  const changes: KeyChange[] = [];
  for (const v of verdicts) {
    if (v.want === undefined) continue;
    const change: KeyChange = { key: v.key, to: v.want, runtime: v.status === 'runtime_differs' };
    if (v.runtime !== undefined) change.from = v.runtime;
    changes.push(change);
  }

  const plan: HostPlan = {
    host: facts.host,
    verdicts,
    changes,
    findings: computeFindings(facts, opts.evidence, opts.previous),
    shadowWarnings: [],
  };
  if (changes.length === 0) return plan;

  // Our file holds every key that has a value here: the ones we change and the ones already right
  // (rewriting the file without them would lose their boot value if our file was what set it).
  const values: [SysctlKey, SysctlValue][] = verdicts.flatMap((v): [SysctlKey, SysctlValue][] => {
    const value = v.want ?? v.runtime;
    return value === undefined ? [] : [[v.key, value]];
  });
  const choice = choosePersistPath(facts, opts.persistBasename, values, targets);
  const playbook = opts.playbook ?? { name: opts.persistBasename, source: 'unknown' };
  plan.persistFile = { path: choice.path, content: renderPersistFile(values, playbook) };
  if (choice.replaces.length > 0) plan.persistFile.replaces = choice.replaces;
  plan.shadowWarnings = choice.warnings;
  return plan;
}
