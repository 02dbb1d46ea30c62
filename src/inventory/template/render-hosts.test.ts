import { describe, expect, it } from 'vitest';
import type { Inventory } from '../types.js';
import { renderHosts } from './render-hosts.js';

function inv(vars: Record<string, unknown>): Inventory {
  return {
    sources: ['x'],
    hosts: [{ name: 'h1', groups: ['all', 'ungrouped'], vars }],
    groups: {},
    templateAt: new Map(
      Object.values(vars)
        .filter((v): v is string => typeof v === 'string' && v.includes('{{'))
        .map((v) => [v, { file: 'inv.yml', line: 3, col: 9 }]),
    ),
  };
}

describe('renderHosts', () => {
  it('checks the rendered value as a literal one is checked', () => {
    const i = inv({ ansible_host: "{{ '-oProxyCommand=x' }}", evil: '{{ x }}' });
    const [r] = renderHosts(i, i.hosts, {});
    expect(r!.problem).toBe(
      'rendered ansible_host: string "-oProxyCommand=x" is not valid: expected a host name or IP address (no spaces, no leading -) (from inv.yml:3:9)',
    );
    // The host keeps no templated connection value to be used by mistake.
    expect(r!.host.vars['ansible_host']).toBeUndefined();
  });
  it('renders only what sysfleet connects with; other templates stay as written', () => {
    const i = inv({ ansible_port: '{{ 2200 + 2 }}', app_secret: '{{ vault_x }}' });
    const [r] = renderHosts(i, i.hosts, {});
    expect(r!.problem).toBeUndefined();
    expect(r!.host.vars).toEqual({ ansible_port: '2202', app_secret: '{{ vault_x }}' });
  });
  it('names an undefined variable with where the template was written', () => {
    const i = inv({ ansible_user: '{{ deploy_user }}' });
    expect(renderHosts(i, i.hosts, {})[0]!.problem).toBe(
      'cannot resolve variable ansible_user (inv.yml:3:9): "deploy_user" is undefined',
    );
  });
  it('a template loop is an error, not a hang', () => {
    const i = inv({ ansible_host: '{{ ansible_user }}', ansible_user: '{{ ansible_host }}' });
    expect(renderHosts(i, i.hosts, {})[0]!.problem).toMatch(/refers to itself \(a template loop\)/);
  });
  it('renders templates from sources that record no positions (a script prints JSON)', () => {
    const i: Inventory = {
      sources: ['inv.sh'],
      hosts: [
        { name: 'h1', groups: ['all'], vars: { ansible_host: '{{ inventory_hostname }}.lan' } },
      ],
      groups: {},
    };
    expect(renderHosts(i, i.hosts, {})[0]!.host.vars['ansible_host']).toBe('h1.lan');
  });
});
