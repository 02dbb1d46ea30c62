/**
 * The plan review's content: change groups, shadowing warnings and evidence findings, each
 * aggregated across hosts. Pure; the PlanReview screen and text printers render it.
 */
import type { Severity } from '../plan/types.js';
import { groupHosts, type ChangeGroup, type GroupInput } from './group.js';

export interface ShadowWarning {
  file: string;
  hosts: string[];
}

export interface FindingGroup {
  id: string;
  severity: Severity;
  incident: number;
  /** The message of the worst host (highest value). */
  message: string;
  hosts: string[];
  worst: number;
}

export interface PlanReview {
  groups: ChangeGroup[];
  shadowing: ShadowWarning[];
  findings: FindingGroup[];
  totalHosts: number;
  /** Hosts apply would change. */
  changingHosts: number;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, ok: 2 };

export function buildPlanReview(inputs: readonly GroupInput[]): PlanReview {
  const groups = groupHosts(inputs);
  const shadowing = new Map<string, string[]>();
  const findings = new Map<string, FindingGroup>();
  for (const { host, plan } of inputs) {
    if (!plan) continue;
    for (const file of new Set(plan.shadowWarnings)) {
      const hosts = shadowing.get(file) ?? [];
      hosts.push(host);
      shadowing.set(file, hosts);
    }
    for (const f of plan.findings) {
      if (f.severity === 'ok') continue;
      const id = `${f.id}\u0000${f.severity}`;
      const g = findings.get(id);
      if (!g) {
        findings.set(id, {
          id: f.id,
          severity: f.severity,
          incident: f.incident,
          message: f.message,
          hosts: [host],
          worst: f.value,
        });
      } else {
        g.hosts.push(host);
        if (f.value > g.worst) Object.assign(g, { worst: f.value, message: f.message });
      }
    }
  }
  return {
    groups,
    shadowing: [...shadowing]
      .map(([file, hosts]) => ({ file, hosts }))
      .sort((a, b) => b.hosts.length - a.hosts.length),
    findings: [...findings.values()].sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.hosts.length - a.hosts.length,
    ),
    totalHosts: inputs.length,
    changingHosts: groups
      .filter((g) => g.kind === 'change')
      .reduce((n, g) => n + g.hosts.length, 0),
  };
}
