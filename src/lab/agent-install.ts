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

/** The supervisor/forwarder script of a lab. */
export function agentPath(labDir: string): string {
  return join(labDir, 'agent.mjs');
}

/** The TIME_WAIT/CLOSE_WAIT maker of a lab. */
export function socketsAgentPath(labDir: string): string {
  return join(labDir, 'sockets.mjs');
}

/** Every script a lab runs: a process whose command line runs one of these is the lab's. */
export function labScripts(labDir: string): string[] {
  return [agentPath(labDir), socketsAgentPath(labDir)];
}

async function install(module: string, target: string): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, `${module}.js`);
  if (existsSync(built)) {
    copyFileSync(built, target);
    return;
  }
  const source = join(here, `${module}.ts`);
  const ts = await import('typescript');
  const out = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: source,
  });
  writeFileSync(target, out.outputText);
}

export async function installAgent(labDir: string): Promise<string> {
  await install('agent', agentPath(labDir));
  await install('sockets-agent', socketsAgentPath(labDir));
  return agentPath(labDir);
}
