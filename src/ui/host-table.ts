/**
 * HostTable: a persistent (immutable, structurally shared) array of per-host records, so the pure
 * UI reducer can replace one host in O(sqrt n) instead of copying all n hosts on every event.
 *
 * Records live in chunks of ~sqrt(n); an update copies the list of chunks and the one chunk that
 * holds the host, and shares every other chunk with the previous table. The name -> position
 * index is append-only and shared between versions: a position is valid for a version only when
 * it is below that version's `size`, so older versions are never affected by later appends.
 */

export interface HostTable<T> {
  readonly size: number;
  readonly chunkSize: number;
  readonly chunks: readonly (readonly T[])[];
  /** Shared, append-only: name -> position. Check `pos < size` before trusting it. */
  readonly index: Map<string, number>;
}

/** Chunk size for about `n` hosts: sqrt(n), at least 32, so updates cost about 2 * sqrt(n). */
export function chunkSizeFor(n: number): number {
  return Math.max(32, Math.ceil(Math.sqrt(n)));
}

export function createHostTable<T>(records: readonly T[], nameOf: (r: T) => string): HostTable<T> {
  const chunkSize = chunkSizeFor(records.length);
  const chunks: T[][] = [];
  const index = new Map<string, number>();
  records.forEach((r, i) => {
    const name = nameOf(r);
    if (index.has(name)) throw new Error(`duplicate host in run: ${name}`);
    index.set(name, i);
    const c = Math.floor(i / chunkSize);
    (chunks[c] ??= []).push(r);
  });
  return { size: records.length, chunkSize, chunks, index };
}

export function positionOf<T>(table: HostTable<T>, name: string): number | undefined {
  const pos = table.index.get(name);
  return pos !== undefined && pos < table.size ? pos : undefined;
}

export function getAt<T>(table: HostTable<T>, pos: number): T | undefined {
  if (pos < 0 || pos >= table.size) return undefined;
  return table.chunks[Math.floor(pos / table.chunkSize)]?.[pos % table.chunkSize];
}

export function getHost<T>(table: HostTable<T>, name: string): T | undefined {
  const pos = positionOf(table, name);
  return pos === undefined ? undefined : getAt(table, pos);
}

/** A new table with the record at `pos` replaced; every other chunk is shared. */
export function setAt<T>(table: HostTable<T>, pos: number, record: T): HostTable<T> {
  const c = Math.floor(pos / table.chunkSize);
  const chunk = table.chunks[c];
  if (!chunk || pos >= table.size) throw new RangeError(`host position ${pos} out of range`);
  const nextChunk = chunk.slice();
  nextChunk[pos % table.chunkSize] = record;
  const chunks = table.chunks.slice();
  chunks[c] = nextChunk;
  return { ...table, chunks };
}

/**
 * A new table with `record` appended (a host that the run-started event did not list).
 * When an older version already used the shared index past its size (a fork), the index is
 * copied so the two versions cannot disagree.
 */
export function append<T>(table: HostTable<T>, name: string, record: T): HostTable<T> {
  let index = table.index;
  const claimed = index.get(name);
  if (claimed !== undefined && claimed < table.size) throw new Error(`duplicate host: ${name}`);
  if (index.size !== table.size) {
    index = new Map([...index].filter(([, p]) => p < table.size));
  }
  index.set(name, table.size);
  const c = Math.floor(table.size / table.chunkSize);
  const chunks = table.chunks.slice();
  chunks[c] = [...(chunks[c] ?? []), record];
  return { size: table.size + 1, chunkSize: table.chunkSize, chunks, index };
}

export function forEachHost<T>(table: HostTable<T>, fn: (record: T, pos: number) => void): void {
  let pos = 0;
  for (const chunk of table.chunks) {
    for (const r of chunk) {
      if (pos >= table.size) return;
      fn(r, pos++);
    }
  }
}
