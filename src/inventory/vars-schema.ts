/**
 * Inventory variables are checked against schemas/inventory-vars.schema.json as they are read,
 * except templated values (`{{ ... }}`): Ansible resolves those when it connects, and so does
 * sysfleet (template/resolve.ts), checking the rendered value then. Pure.
 */
import { pointerToPath } from '../parse/yaml-pos.js';
import { isTemplated } from './template/parse.js';

/** A schema `skip` that ignores errors about templated values of `vars`. */
export function skipTemplated(vars: unknown): (instancePath: string) => boolean {
  return (instancePath) => {
    let cur: unknown = vars;
    for (const seg of pointerToPath(instancePath)) {
      if (typeof cur !== 'object' || cur === null) return false;
      cur = (cur as Record<string, unknown>)[seg];
    }
    return isTemplated(cur);
  };
}
