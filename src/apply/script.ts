/**
 * Pure renderers of the host programs. The control node runs the fixed command HOST_COMMAND
 * (`sh -s`; the transport prefixes `sudo -n` for become) and writes one of these on stdin.
 * Every datum is validated (src/apply/validate.ts) before it is rendered; values go into quoted
 * heredocs or single quotes only after matching a pattern that excludes quotes and `$`. The
 * one free text, the persistent file sysfleet renders, goes into a quoted heredoc whose
 * delimiter it cannot contain (and as base64 for the snapshot record).
 */
import type { ApplyRequest, RollbackRequest } from './types.js';
import { hostFile } from './host/load.js';
import { DEFAULT_RETENTION } from './retention.js';
import {
  checkBase64,
  checkKey,
  checkMode,
  checkPersistPath,
  checkRunId,
  checkUid,
  checkValue,
  safeBy,
  ScriptDataError,
  sq,
} from './validate.js';

/** The fixed command every host program is fed to on stdin. */
export const HOST_COMMAND = 'sh -s';

/** Seconds the detached worker may take before the attached part stops waiting for it. */
const WORK_TIMEOUT_SEC = 600;

export type ProgramMode = 'apply' | 'rollback';

/** A data function printing LINES (validated, no quote can end the heredoc early), builtins only. */
function heredocFn(name: string, lines: string[]): string {
  const body = lines.map((l) => `${l}\n`).join('');
  return `${name}() {\nwhile IFS= read -r _sf_l; do printf '%s\\n' "$_sf_l"; done <<'SF_DATA_EOF'\n${body}SF_DATA_EOF\n}\n`;
}

/** A data function setting SF_J to base64 (validated: nothing in it can end the quotes). */
function base64Fn(name: string, b64: string): string {
  return `${name}() { SF_J='${checkBase64(b64)}'; }\n`;
}

const TEXT_EOF = 'SF_TEXT_EOF';

/**
 * A data function setting SF_T to TEXT (the persistent file sysfleet renders) with builtins only:
 * a quoted heredoc passes every byte literally; the text must end with a newline, hold no NUL and
 * no line equal to the delimiter.
 */
function textFn(name: string, text: string): string {
  if (text === '') return `${name}() { SF_T=; }\n`;
  if (!text.endsWith('\n') || text.includes('\0') || text.split('\n').includes(TEXT_EOF)) {
    throw new ScriptDataError(
      'refusing file content: it must end with a newline and hold no NUL and no delimiter line',
    );
  }
  return `${name}() {\nSF_T=\nwhile IFS= read -r _sf_l; do SF_T="$SF_T$_sf_l$SF_NL"; done <<'${TEXT_EOF}'\n${text}${TEXT_EOF}\n}\n`;
}

/**
 * The run's content of a file as a text data function (SF_T), when it has an exact text form
 * (UTF-8 that round-trips, and textFn accepts it); else one that fails, and the host compares
 * base64. A rollback then checks "still what the run wrote" with builtins, not base64.
 */
function runTextFn(name: string, b64: string | undefined): string {
  const fallback = `${name}() { return 1; }\n`;
  if (b64 === undefined || b64 === '') return fallback;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64') !== b64) return fallback;
  try {
    return textFn(name, text);
  } catch (e) {
    if (e instanceof ScriptDataError) return fallback;
    throw e;
  }
}

/** Epoch seconds, validated; '' lets the host ask `date`. */
function nowOf(nowSec: number | undefined): string {
  if (nowSec === undefined) return '';
  if (!Number.isSafeInteger(nowSec) || nowSec < 0) {
    throw new ScriptDataError(`nowSec must be a non-negative integer, got ${nowSec}`);
  }
  return String(nowSec);
}

function header(
  mode: ProgramMode,
  runId: string,
  by: string,
  nowSec: number | undefined,
  extra: string[],
): string {
  return [
    `# sysfleet ${mode} program, run ${checkRunId(runId)}`,
    `SF_RUN=${sq(runId)}`,
    `SF_MODE=${mode}`,
    `SF_BY=${sq(safeBy(by))}`,
    `SF_WORK_TIMEOUT=${WORK_TIMEOUT_SEC}`,
    `SF_NOW=${nowOf(nowSec)}`,
    ...extra,
    '',
  ].join('\n');
}

/**
 * The host store's retention, as the controller's (DEFAULT_RETENTION): keep the newest N runs
 * and every run from the last D days (the cutoff day from the control node's clock, as the run
 * ids are), see sf_prune_runs.
 */
function pruneVars(nowSec: number | undefined): string[] {
  const now = nowSec === undefined ? Date.now() : nowSec * 1000;
  const day = new Date(now - DEFAULT_RETENTION.olderThanMs).toISOString().slice(0, 10);
  return [`SF_PRUNE_KEEP=${DEFAULT_RETENTION.keep}`, `SF_PRUNE_BEFORE=${day.replace(/-/g, '')}`];
}

/** PROGRAM as one single-quoted shell word (its data is validated already; this quotes code). */
function quoteProgram(program: string): string {
  if (program.includes('\0')) throw new ScriptDataError('internal: NUL in a host program');
  return `'${program.replaceAll("'", `'\\''`)}'`;
}

/**
 * Wrap a changing program so that the shell reads ALL of stdin's script before running any of
 * it (everything is inside one function): the later `go` on stdin is then read by the program,
 * not parsed as script. The program is one quoted word: the boot shell writes it to
 * /var/lib/sysfleet/work/ with the builtin printf (the detached worker runs that file after the
 * attached part is gone) and runs the attached part itself with `eval`. No process is started
 * for either, and the directories are made only on a host's first run.
 */
function boot(mode: ProgramMode, runId: string, program: string): string {
  const prog = `/var/lib/sysfleet/work/${runId}.${mode}.sh`;
  return `sf_boot() {
umask 077
SF_PROGRAM=${quoteProgram(program)}
if ! { [ -d /var/lib/sysfleet/work ] && [ -d /var/lib/sysfleet/snapshots ] && [ -d /var/lib/sysfleet/results ]; }; then
  mkdir -p /var/lib/sysfleet/work /var/lib/sysfleet/snapshots /var/lib/sysfleet/results 2>/dev/null
  chmod 700 /var/lib/sysfleet 2>/dev/null
fi
if ! { printf '%s' "$SF_PROGRAM" >'${prog}'; } 2>/dev/null; then
  rm -f '${prog}' 2>/dev/null
  set -- $(stat -f -c '%a %S' /var/lib/sysfleet/work 2>/dev/null)
  if [ $# -eq 2 ] && [ $(($1 * $2)) -lt $((\${#SF_PROGRAM} + 8192)) ]; then
    printf '@@sf\\tfinal\\tstate=failed\\treason=no space left on /var/lib/sysfleet: %s KiB free, %s KiB needed; nothing was changed\\n' $(($1 * $2 / 1024)) $(((\${#SF_PROGRAM} + 8192 + 1023) / 1024))
  else
    printf '@@sf\\tfinal\\tstate=failed\\treason=cannot write %s (is /var/lib writable, are we root?); nothing was changed\\n' '${prog}'
  fi
  return 0
fi
set -- fg
eval "$SF_PROGRAM"
}
sf_boot; exit $?
`;
}

/** What the host runs for an apply: the program inside its boot wrapper. */
export function renderApplyScript(req: ApplyRequest): string {
  return boot('apply', checkRunId(req.runId), renderApplyProgram(req));
}

/** The apply program itself (data functions, library, apply, runner). */
export function renderApplyProgram(req: ApplyRequest): string {
  const runId = checkRunId(req.runId);
  const goTimeout = req.goTimeoutSec ?? 120;
  if (!Number.isInteger(goTimeout) || goTimeout < 1 || goTimeout > 3600) {
    throw new ScriptDataError(`goTimeoutSec must be an integer 1..3600, got ${goTimeout}`);
  }
  const seen = new Set<string>();
  const keyLines = req.changes.map((c) => {
    checkKey(c.key);
    checkValue(c.to);
    if (seen.has(c.key)) throw new ScriptDataError(`duplicate change for ${c.key}`);
    seen.add(c.key);
    return `${c.key}|${c.runtime ? 1 : 0}|${c.to}`;
  });
  const file = req.persistFile;
  const filePath = file ? checkPersistPath(file.path) : '';
  const fileB64 = file ? Buffer.from(file.content, 'utf8').toString('base64') : '';
  const data =
    header('apply', runId, req.by, req.nowSec, [
      `SF_GO_TIMEOUT=${goTimeout}`,
      `SF_FILE=${sq(filePath)}`,
      ...pruneVars(req.nowSec),
    ]) +
    heredocFn('sf_data_keys', keyLines) +
    base64Fn('sf_data_file', fileB64) +
    textFn('sf_data_text', file ? file.content : '');
  return (
    data + hostFile('lib.sh') + hostFile('apply.sh') + hostFile('prune.sh') + hostFile('runner.sh')
  );
}

/**
 * Bytes a rollback writes, for the host's space check before it changes anything: under
 * /var/lib/sysfleet its result (a few records a key, at most ~3x the key data), in /etc/sysctl.d
 * the files it may restore (written to a temp first).
 */
function rollbackSpace(
  keyLines: string[],
  req: RollbackRequest,
): { vlib: number; etc: number; etcFiles: number } {
  const keyBytes = keyLines.reduce((n, l) => n + l.length + 1, 0);
  const restored = req.files.filter((f) => f.snapshot.state === 'present');
  const etc = restored.reduce(
    (n, f) =>
      n +
      (f.snapshot.state === 'present' ? Buffer.byteLength(f.snapshot.contentBase64, 'base64') : 0),
    0,
  );
  return { vlib: 3 * keyBytes + 160 * keyLines.length + 4096, etc, etcFiles: restored.length };
}

/** What the host runs for a rollback: the program inside its boot wrapper. */
export function renderRollbackScript(req: RollbackRequest): string {
  return boot('rollback', checkRunId(req.runId), renderRollbackProgram(req));
}

/** The rollback program itself (data functions, library, rollback, runner). */
export function renderRollbackProgram(req: RollbackRequest): string {
  const runId = checkRunId(req.runId);
  const keyLines = req.keys.map(({ snapshot, runValue }) => {
    checkKey(snapshot.key);
    if (runValue !== undefined) checkValue(runValue);
    const snapValue = snapshot.state === 'value' ? checkValue(snapshot.value) : '';
    const hasRun = runValue !== undefined ? 1 : 0;
    return `${snapshot.key}|${snapshot.state}|${hasRun}|${runValue ?? ''}|${snapValue}`;
  });
  const fileLines: string[] = [];
  let fileFns = '';
  req.files.forEach(({ snapshot, runContentBase64 }, i) => {
    const n = i + 1;
    checkPersistPath(snapshot.path);
    const hasRun = runContentBase64 !== undefined ? 1 : 0;
    if (snapshot.state === 'present') {
      checkMode(snapshot.mode);
      checkUid(snapshot.uid, 'uid');
      checkUid(snapshot.gid, 'gid');
      fileLines.push(
        `${n}|${snapshot.path}|present|${snapshot.mode}|${snapshot.uid}|${snapshot.gid}|${hasRun}`,
      );
      fileFns += base64Fn(`sf_data_rfile_snap_${n}`, snapshot.contentBase64);
    } else {
      fileLines.push(`${n}|${snapshot.path}|absent||||${hasRun}`);
      fileFns += base64Fn(`sf_data_rfile_snap_${n}`, '');
    }
    fileFns += base64Fn(`sf_data_rfile_run_${n}`, runContentBase64 ?? '');
    fileFns += runTextFn(`sf_data_rfile_runtext_${n}`, runContentBase64);
  });
  const space = rollbackSpace(keyLines, req);
  const data =
    header('rollback', runId, req.by, req.nowSec, [
      `SF_FORCE=${req.force ? 1 : 0}`,
      `SF_SPACE_VLIB=${space.vlib}`,
      `SF_SPACE_ETC=${space.etc}`,
      `SF_SPACE_ETC_FILES=${space.etcFiles}`,
    ]) +
    heredocFn('sf_data_rkeys', keyLines) +
    heredocFn('sf_data_rfiles', fileLines) +
    fileFns;
  return data + hostFile('lib.sh') + hostFile('rollback.sh') + hostFile('runner.sh');
}

/** A read-only program: everything inside one function, like the changing ones. */
function query(runId: string | undefined, mode: ProgramMode, body: string, call: string): string {
  const vars = runId === undefined ? '' : `SF_RUN=${sq(checkRunId(runId))}\nSF_MODE=${mode}\n`;
  return `sf_query() {\n${vars}${hostFile('lib.sh')}${body}${call}\n}\nsf_query; exit 0\n`;
}

/** Print the (final or partial) result of a detached run on the host, and its snapshot. */
export function renderCollectScript(runId: string, mode: ProgramMode = 'apply'): string {
  return query(runId, mode, hostFile('collect.sh'), 'sf_collect');
}

export function renderListSnapshotsScript(): string {
  return query(undefined, 'apply', hostFile('list-snapshots.sh'), 'sf_list_snapshots');
}

export function renderReadSnapshotScript(runId: string): string {
  return query(runId, 'apply', hostFile('read-snapshot.sh'), 'sf_read_snapshot');
}
