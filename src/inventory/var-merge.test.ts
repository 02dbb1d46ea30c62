import { describe, expect, it } from 'vitest';
import { mergeHostVars, type HostVarLayers } from './var-merge.js';

const g = (name: string, depth: number, inline: Record<string, unknown>, priority = 1) => ({
  name,
  depth,
  priority,
  inline,
});

// Ansible's precedence, one row per rule; each row was checked against ansible-inventory 2.14
// (see test/fixtures/inventories/precedence for the same rules end to end).
const table: Array<{ rule: string; layers: HostVarLayers; expected: Record<string, unknown> }> = [
  {
    rule: 'all is the weakest group',
    layers: {
      groups: [g('all', 0, { v: 'all', a: 1 }), g('web', 1, { v: 'web' })],
      groupFiles: [],
      hostInline: {},
      hostFiles: [],
    },
    expected: { v: 'web', a: 1 },
  },
  {
    rule: 'a deeper child group beats its parent',
    layers: {
      groups: [g('all', 0, {}), g('child', 2, { v: 'child' }), g('parent', 1, { v: 'parent' })],
      groupFiles: [],
      hostInline: {},
      hostFiles: [],
    },
    expected: { v: 'child' },
  },
  {
    rule: 'same depth: higher ansible_group_priority wins',
    layers: {
      groups: [g('all', 0, {}), g('aa', 1, { v: 'aa' }, 10), g('zz', 1, { v: 'zz' })],
      groupFiles: [],
      hostInline: {},
      hostFiles: [],
    },
    expected: { v: 'aa' },
  },
  {
    rule: 'same depth and priority: the name sorting last wins',
    layers: {
      groups: [g('all', 0, {}), g('zz', 1, { v: 'zz' }), g('aa', 1, { v: 'aa' })],
      groupFiles: [],
      hostInline: {},
      hostFiles: [],
    },
    expected: { v: 'zz' },
  },
  {
    rule: 'depth beats priority',
    layers: {
      groups: [g('all', 0, {}), g('deep', 2, { v: 'deep' }), g('prio', 1, { v: 'prio' }, 99)],
      groupFiles: [],
      hostInline: {},
      hostFiles: [],
    },
    expected: { v: 'deep' },
  },
  {
    rule: 'group_vars/all beats all inline vars but not other groups inline',
    layers: {
      groups: [g('all', 0, { a: 'inline', b: 'inline' }), g('web', 1, { b: 'web' })],
      groupFiles: [{ all: { a: 'file', b: 'file' } }],
      hostInline: {},
      hostFiles: [],
    },
    expected: { a: 'file', b: 'web' },
  },
  {
    rule: "a shallow group's group_vars file beats a deeper group's inline vars",
    layers: {
      groups: [g('all', 0, {}), g('parent', 1, {}), g('child', 2, { v: 'child-inline' })],
      groupFiles: [{ parent: { v: 'parent-file' } }],
      hostInline: {},
      hostFiles: [],
    },
    expected: { v: 'parent-file' },
  },
  {
    rule: 'group_vars files follow group order too',
    layers: {
      groups: [g('all', 0, {}), g('parent', 1, {}), g('child', 2, {})],
      groupFiles: [{ child: { v: 'child-file' }, parent: { v: 'parent-file' } }],
      hostInline: {},
      hostFiles: [],
    },
    expected: { v: 'child-file' },
  },
  {
    rule: 'a later source wins for the same group',
    layers: {
      groups: [g('all', 0, {}), g('web', 1, {})],
      groupFiles: [{ web: { v: 'one' } }, { web: { v: 'two' } }],
      hostInline: {},
      hostFiles: [],
    },
    expected: { v: 'two' },
  },
  {
    rule: 'host inline vars beat every group var',
    layers: {
      groups: [g('all', 0, {}), g('web', 1, { v: 'web' })],
      groupFiles: [{ web: { v: 'file' } }],
      hostInline: { v: 'host' },
      hostFiles: [],
    },
    expected: { v: 'host' },
  },
  {
    rule: 'host_vars files beat host inline vars',
    layers: {
      groups: [g('all', 0, {})],
      groupFiles: [],
      hostInline: { v: 'inline', w: 1 },
      hostFiles: [{ v: 'file' }],
    },
    expected: { v: 'file', w: 1 },
  },
  {
    rule: 'replace, not merge, for dict values',
    layers: {
      groups: [g('all', 0, { d: { a: 1, b: 2 } })],
      groupFiles: [],
      hostInline: { d: { a: 9 } },
      hostFiles: [],
    },
    expected: { d: { a: 9 } },
  },
];

describe('mergeHostVars follows Ansible precedence', () => {
  for (const row of table)
    it(row.rule, () => expect(mergeHostVars(row.layers)).toEqual(row.expected));
  it('never lets a key reach the prototype', () => {
    const out = mergeHostVars({
      groups: [
        g('all', 0, JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>),
      ],
      groupFiles: [],
      hostInline: {},
      hostFiles: [],
    });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
