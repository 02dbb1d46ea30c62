import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNetnsName } from './names.js';
import { mountTargetsUnder, parseNetnsList } from './proc-parse.js';

// Captured on a lab host machine (lab `ab` with a bastion); the `abc` lines are the same mounts
// renamed, and one line has an escaped space, to pin the edge cases.
const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/lab/${name}`, import.meta.url), 'utf8');

describe('mountTargetsUnder', () => {
  const mountinfo = fixture('mountinfo-two-labs.txt');

  it('finds the lab mounts deepest first, never a lab sharing the name prefix', () => {
    const t = mountTargetsUnder(mountinfo, '/run/sysfleet-lab/ab');
    expect(t).toContain('/run/sysfleet-lab/ab/ns/h01');
    expect(t).toContain('/run/sysfleet-lab/ab/ns/bastion');
    expect(t[t.length - 1]).toBe('/run/sysfleet-lab/ab/ns');
    expect(t.some((x) => x.includes('/abc'))).toBe(false);
    expect(t.some((x) => x.startsWith('/run/netns'))).toBe(false);
  });

  it('decodes octal escapes in mount points', () => {
    expect(mountTargetsUnder(mountinfo, '/run/sysfleet-lab/ab')).toContain(
      '/run/sysfleet-lab/ab/hosts/h01/with space',
    );
  });

  it('finds nothing for a lab that has no mounts', () => {
    expect(mountTargetsUnder(mountinfo, '/run/sysfleet-lab/zz')).toEqual([]);
  });
});

describe('parseNetnsList', () => {
  it('drops the (id: N) suffix and keeps other namespaces for the caller to filter', () => {
    const names = parseNetnsList(fixture('ip-netns-list.txt'));
    expect(names).toEqual(['sf-ab-h02', 'sf-ab-h01', 'sf-abc-h01', 'docker-ns']);
    expect(names.filter((n) => parseNetnsName(n)?.lab === 'ab')).toEqual([
      'sf-ab-h02',
      'sf-ab-h01',
    ]);
  });
});
