import { describe, expect, it } from 'vitest';
import {
  hostNames,
  netnsName,
  parseNetnsName,
  portCandidates,
  PORT_WINDOW,
  randomLabName,
  validateLabName,
} from './names.js';

describe('lab names', () => {
  it('accepts short lower-case alphanumerics and rejects the rest', () => {
    expect(validateLabName('t1a2b3')).toBe('t1a2b3');
    for (const bad of ['', 'a-b', 'A', '../x', 'a'.repeat(17), 'a b']) {
      expect(() => validateLabName(bad)).toThrow(/invalid lab name/);
    }
  });

  it('pads host names so they sort like numbers', () => {
    expect(hostNames(3)).toEqual(['h01', 'h02', 'h03']);
    expect(hostNames(120)[0]).toBe('h001');
    expect(hostNames(120)[119]).toBe('h120');
    expect(() => hostNames(0)).toThrow();
    expect(() => hostNames(1.5)).toThrow();
    expect(hostNames(1000)[999]).toBe('h1000');
    expect(() => hostNames(1001)).toThrow(/1 to 1000/);
  });

  it('round-trips namespace names and never confuses labs sharing a prefix', () => {
    const ns = netnsName('a', 'h01');
    expect(ns).toBe('sf-a-h01');
    expect(parseNetnsName(ns)).toEqual({ lab: 'a', host: 'h01' });
    expect(parseNetnsName(netnsName('a1', 'bastion'))).toEqual({ lab: 'a1', host: 'bastion' });
    expect(parseNetnsName('sf-a-b-h01')).toBeUndefined();
    expect(parseNetnsName('docker0')).toBeUndefined();
  });

  it('makes random test lab names that are valid', () => {
    expect(validateLabName(randomLabName(() => 0.5))).toBe('t7fffff');
    expect(randomLabName(() => 0)).toBe('t000000');
  });
});

describe('port candidates', () => {
  it('cover the whole window below the ephemeral range once each', () => {
    const ports = portCandidates('lab1');
    expect(ports).toHaveLength(PORT_WINDOW.to - PORT_WINDOW.from + 1);
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBe(PORT_WINDOW.from);
    expect(Math.max(...ports)).toBe(PORT_WINDOW.to);
    expect(PORT_WINDOW.to).toBeLessThan(32768);
  });

  it('start at a name-dependent offset, consecutive from there (deterministic)', () => {
    const a = portCandidates('alpha');
    const b = portCandidates('beta');
    expect(a[0]).not.toBe(b[0]);
    expect(portCandidates('alpha')).toEqual(a);
    const first = a[0]!;
    expect(a[1]).toBe(first === PORT_WINDOW.to ? PORT_WINDOW.from : first + 1);
  });
});
