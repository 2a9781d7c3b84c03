/**
 * Optional persistence (emulator.md §7.3): an fsynced JSON-lines journal of accepted tasks, task
 * outcomes and key changes, compacted into a snapshot written to a temp file and renamed.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ApiKey } from '../auth/key-store.js';
import type { Document, Settings } from '../engine/index.js';
import type { FinishRecord } from '../tasks/task-queue.js';
import type { Task } from '../tasks/task.js';
import { hasBigInt, parseExact, stringifyExact } from '#lib/meili-api';

export const FORMAT_VERSION = 1;

export type JournalEntry =
  | { op: 'enqueue'; task: Task }
  | { op: 'finish'; record: FinishRecord }
  | { op: 'keyPut'; key: ApiKey }
  | { op: 'keyDelete'; uid: string };

export interface IndexSnapshot {
  uid: string;
  createdAt: string;
  updatedAt: string;
  primaryKey: string | null;
  settings: Settings;
  documents: Array<{ id: string; doc: Document }>;
}

export interface Snapshot {
  formatVersion: number;
  nextUid: number;
  nextBatchUid: number;
  indexes: IndexSnapshot[];
  tasks: Task[];
  keys: ApiKey[];
}

function checkVersion(found: unknown, file: string): void {
  if (found !== FORMAT_VERSION) {
    throw new Error(
      `${file} has formatVersion ${JSON.stringify(found)}; this emulator reads formatVersion ${FORMAT_VERSION} only`,
    );
  }
}

export class Persistence {
  private readonly snapshotPath: string;
  private readonly journalPath: string;
  private fd: number | undefined;
  /** Journal entries since the last snapshot (compaction trigger). */
  entries = 0;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.snapshotPath = join(dir, 'snapshot.json');
    this.journalPath = join(dir, 'journal.jsonl');
  }

  /** Reads what is on disk; throws on an unknown formatVersion (refuse to start). */
  load(): { snapshot?: Snapshot; journal: JournalEntry[] } {
    let snapshot: Snapshot | undefined;
    if (existsSync(this.snapshotPath)) {
      snapshot = parseExact(readFileSync(this.snapshotPath, 'utf8')) as Snapshot;
      checkVersion(snapshot.formatVersion, this.snapshotPath);
    }
    const journal: JournalEntry[] = [];
    if (existsSync(this.journalPath)) {
      const lines = readFileSync(this.journalPath, 'utf8').split('\n');
      const header = lines[0]
        ? (JSON.parse(lines[0]) as { formatVersion?: unknown })
        : { formatVersion: FORMAT_VERSION };
      checkVersion(header.formatVersion, this.journalPath);
      for (const line of lines.slice(1)) {
        if (line.trim() === '') continue;
        try {
          journal.push(parseExact(line) as JournalEntry);
        } catch {
          break; // a torn last line from a crash mid-write: everything before it is durable
        }
      }
    }
    this.fd = openSync(this.journalPath, 'a');
    if (!existsSync(this.journalPath) || readFileSync(this.journalPath).length === 0)
      this.writeLine({ formatVersion: FORMAT_VERSION });
    this.entries = journal.length;
    return { snapshot, journal };
  }

  /** Appends and fsyncs; the caller answers only after this returns. */
  append(entry: JournalEntry): void {
    this.writeLine(entry);
    this.entries += 1;
  }

  /** Writes the snapshot atomically, then starts an empty journal. */
  writeSnapshot(snapshot: Snapshot): void {
    const temp = `${this.snapshotPath}.tmp`;
    const fd = openSync(temp, 'w');
    writeSync(fd, stringifyExact(snapshot, hasBigInt(snapshot)));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, this.snapshotPath);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.journalPath, 'w');
    this.writeLine({ formatVersion: FORMAT_VERSION });
    this.entries = 0;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private writeLine(value: unknown): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${stringifyExact(value, hasBigInt(value))}\n`);
    fsyncSync(this.fd);
  }
}
