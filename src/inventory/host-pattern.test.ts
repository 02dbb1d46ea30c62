import { describe, expect, it } from 'vitest';
import { finalize, newInventoryData, reconcile } from './inventory-data.js';
import { parseIniInventory } from './inventory-ini.js';
import { HostPatternError, selectHosts, splitPattern } from './host-pattern.js';

function ini(text: string) {
  const data = newInventoryData();
  expect(parseIniInventory(text, 'test.ini', data)).toEqual([]);
  reconcile(data);
  return finalize(data, ['test.ini']);
}

const inv = ini(`
solo
[web]
web[01:04]
[db]
db1
db2
[cache]
cache1
[prod:children]
web
db
[staging]
web04
db2
`);
const names = (p?: string): string[] => selectHosts(inv, p).map((h) => h.name);

describe('splitPattern', () => {
  const cases: Array<[string, string[]]> = [
    ['web:db', ['web', 'db']],
    ['web,db', ['web', 'db']],
    ['web:&prod:!web03', ['web', '&prod', '!web03']],
    ['web[0:2]:db', ['web[0:2]', 'db']],
    [' web , db ', ['web', 'db']],
    ['2001:db8::1', ['2001:db8::1']],
    ['2001:db8::1,web', ['2001:db8::1', 'web']],
  ];
  for (const [p, t] of cases) it(p, () => expect(splitPattern(p)).toEqual(t));
});

describe('selectHosts', () => {
  const all = ['solo', 'web01', 'web02', 'web03', 'web04', 'db1', 'db2', 'cache1'];
  const cases: Array<[string | undefined, string[]]> = [
    [undefined, all],
    ['', all],
    ['all', all],
    ['*', all],
    ['web01', ['web01']],
    ['web', ['web01', 'web02', 'web03', 'web04']],
    ['prod', ['web01', 'web02', 'web03', 'web04', 'db1', 'db2']],
    ['ungrouped', ['solo']],
    ['web*', ['web01', 'web02', 'web03', 'web04']],
    ['db?', ['db1', 'db2']],
    ['web:db', ['web01', 'web02', 'web03', 'web04', 'db1', 'db2']],
    ['db,web01', ['web01', 'db1', 'db2']],
    ['prod:&staging', ['web04', 'db2']],
    ['web:&prod:!web03', ['web01', 'web02', 'web04']],
    ['!web03:web:&prod', ['web01', 'web02', 'web04']],
    ['!prod', ['solo', 'cache1']],
    ['&staging', ['web04', 'db2']],
    ['~web0[12]', ['web01', 'web02']],
    ['~^(db|cache)\\d$', ['db1', 'db2', 'cache1']],
    ['web[0]', ['web01']],
    ['web[-1]', ['web04']],
    ['web[1:2]', ['web02', 'web03']],
    ['web[2:]', ['web03', 'web04']],
    ['db2:web01', ['web01', 'db2']],
  ];
  for (const [p, expected] of cases) it(String(p), () => expect(names(p)).toEqual(expected));

  it('refuses a name that matches nothing, with a did-you-mean', () => {
    expect(() => names('webb')).toThrow(HostPatternError);
    expect(() => names('webb')).toThrow(
      'host pattern "webb" matches no host or group — did you mean "web"?',
    );
    expect(() => names('web:!webO3')).toThrow('did you mean "web03"?');
    expect(() => names('nothing-like-it')).toThrow(
      /^host pattern "nothing-like-it" matches no host or group$/,
    );
  });
  it('refuses a glob or regex that matches nothing', () => {
    expect(() => names('zz*')).toThrow(/matches no host or group/);
    expect(() => names('~^zz')).toThrow(/matches no host or group/);
  });
  it('refuses an invalid regex and an out-of-range subscript', () => {
    expect(() => names('~web(')).toThrow(/invalid regular expression/);
    expect(() => names('db[5]')).toThrow(/out of range/);
  });
  it('asks for @file expansion at the edge', () => {
    expect(() => names('@retry.txt')).toThrow(/expandLimitFiles/);
  });
});
