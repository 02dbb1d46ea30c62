// Types of the GENERATED schema-validators.gen.js (scripts/gen-validators.mjs).
import type { ValidateFunction } from 'ajv';

export declare const ids: { playbook: string; inventoryVars: string; report: string };
export declare const playbook: ValidateFunction;
export declare const inventoryVars: ValidateFunction;
export declare const report: ValidateFunction;
