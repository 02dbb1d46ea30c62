/**
 * Puts the agent script into a lab dir as agent.mjs. From a build (dist/lab/agent.js) it is a
 * copy; when running from sources (vitest, no build) agent.ts is transpiled with the TypeScript
 * compiler (a dev dependency, present wherever sources are). A copy per lab also means a rebuild
 * never changes a running lab, and `/proc/PID/cmdline` containing <labdir>/agent.mjs proves a
 * process is this lab's.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function agentPath(labDir: string): string {
  return join(labDir, 'agent.mjs');
}

export async function installAgent(labDir: string): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const target = agentPath(labDir);
  const built = join(here, 'agent.js');
  if (existsSync(built)) {
    copyFileSync(built, target);
    return target;
  }
  const source = join(here, 'agent.ts');
  const ts = await import('typescript');
  const out = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: source,
  });
  writeFileSync(target, out.outputText);
  return target;
}
