import { describe, expect, it } from 'vitest';
import { renderTemplate, UNDEFINED, type Scope } from './evaluate.js';
import { isTemplated } from './parse.js';

const vars: Record<string, unknown> = {
  name: 'Web01',
  port: 22,
  list: ['a', 'b'],
  obj: { k: 'v' },
  empty: '',
};
const scope: Scope = {
  get: (n) => (n in vars ? vars[n] : UNDEFINED),
  env: { USER: 'alice' },
};
const r = (t: string) => renderTemplate(t, scope);

describe('the template subset', () => {
  it.each([
    ['{{ name }}.example', 'Web01.example'],
    ['{{ name | lower }}-{{ port }}', 'web01-22'],
    ["{{ name ~ '/' ~ port }}", 'Web01/22'],
    ['{{ port + 1 }}', '23'],
    ["{{ lookup('env', 'USER') }}", 'alice'],
    ["{{ lookup('env', 'NOPE') | default('x', true) }}", 'x'],
    ["{{ missing | default('d') }}", 'd'],
    ["{{ empty | d('e', true) }}", 'e'],
    ["{{ name | replace('0', 'O') | upper }}", 'WEBO1'],
    ["{{ list | join(',') }}", 'a,b'],
    ['{{ list[1] }}{{ obj.k }}{{ obj["k"] }}', 'bvv'],
    ["{{ ' 8 ' | trim | int + 1 }}", '9'],
    ['{{ list }}', ['a', 'b']],
    ['{{ true }}', true],
  ])('%s → %j', (t, want) => expect(r(t)).toEqual(want));

  it.each([
    ["{{ ''.__class__ }}", /access to "__class__"/],
    ["{{ obj['__proto__'] }}", /access to "__proto__"/],
    ['{{ name.upper() }}', /calling a function or method/],
    ['{{ range(10) }}', /calling a function or method/],
    ["{{ lookup('pipe', 'id') }}", /only lookup\('env', NAME\)/],
    ['{% for x in list %}{{ x }}{% endfor %}', /statements and comments are outside/],
    ['{{ name | regex_replace("a", "b") }}', /filter "regex_replace" is outside the subset/],
    ['{{ missing }}', /"missing" is undefined/],
    ['{{ missing ~ name }}', /"missing" is undefined/],
    ['{{ name ', /expected "}}"/],
    ['{{ x if y else z }}', /expected "}}"/],
  ])('%s is refused', (t, re) => expect(() => r(t)).toThrow(re));

  it('tells templated strings', () => {
    expect(isTemplated('{{ x }}')).toBe(true);
    expect(isTemplated('{% if %}')).toBe(true);
    expect(isTemplated('plain { text }')).toBe(false);
    expect(isTemplated(5)).toBe(false);
  });
});
