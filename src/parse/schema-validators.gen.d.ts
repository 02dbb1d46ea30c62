// Types of the GENERATED schema-validators.gen.js (scripts/gen-validators.mjs).
import type { ValidateFunction } from 'ajv';

export declare const ids: { playbook: string; inventoryVars: string };
export declare const playbook: ValidateFunction;
export declare const inventoryVars: ValidateFunction;
