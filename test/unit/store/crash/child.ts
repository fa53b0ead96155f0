// The crash child: opens the store in a folder with the real file system and lock, then makes random
// valid changes forever, announcing each on stdout before it starts and once it is acknowledged,
// until its parent kills it with SIGKILL. See protocol.ts for the lines it writes.
//
//   node child.js <folder> <seed> <tag> [config JSON]
import * as path from 'path';
import { performance } from 'perf_hooks';
import { openStore } from '../../../../src/core/store/store';
import { migrations } from '../../../../src/core/store/schema';
import { SqliteDatabase } from '../../../../src/core/store/sqlite';
import type { Store } from '../../../../src/core/store/types';
import { TaskManager } from '../../../../src/core/tasks/taskManager';
import { canTransition } from '../../../../src/core/tasks/transitions';
import { priorities, taskStatuses, type TaskStatus } from '../../../../src/core/tasks/model';
import { systemClock } from '../../../../src/core/ports';
import { SessionManager } from '../../../../src/core/sessions/sessionManager';
import { ContextManager } from '../../../../src/core/context/contextManager';
import { nodeFileSystem } from '../../../../src/node/fileSystem';
import { workerSnapshotCopies } from '../../../../src/node/storeWorker';
import { nodeLock } from '../../../../src/node/lock';
import { defaultChildConfig, rng, type ChildConfig, type ChildLine, type CrashOp } from './protocol';

function say(line: ChildLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const [folder, seedArg, tag, configArg] = process.argv.slice(2);
  const config: ChildConfig = {
    ...defaultChildConfig,
    ...(configArg ? (JSON.parse(configArg) as Partial<ChildConfig>) : {}),
  };
  const random = rng(Number(seedArg));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

  // Started ahead of its turn: load sql.js and warm it up, then wait for the parent's go (a line on
  // stdin), so that node's start-up overlaps the parent's check of the previous kill.
  await warmUp();
  await new Promise<void>(resolve => process.stdin.once('data', () => resolve()));
  process.stdin.pause();

  const started = performance.now();
  const store = await openStore({
    folder,
    fs: nodeFileSystem,
    lock: nodeLock({ staleMs: config.lockStaleMs }),
    owner: { description: `crash child ${tag}`, pid: process.pid, host: 'localhost', since: Date.now() },
    compactAfterRecords: config.compactAfterRecords,
    idleCompactMs: 0,
    backups: 3,
    // the snapshot copy in its worker thread, as VS Code and the CLI open the store (STORE_SNAPSHOT_COPY=none: without)
    ...(process.env.STORE_SNAPSHOT_COPY === 'none'
      ? {}
      : { snapshots: workerSnapshotCopies(path.join(__dirname, 'storeWorker.js')) }),
  });
  const openMs = performance.now() - started;
  let ids = 0;
  const tasks = new TaskManager(store, systemClock, prefix => `${prefix}_${tag}_${++ids}`);
  let checkpoints = 0;
  const sessions = new SessionManager(store, systemClock, {
    ids: prefix => `${prefix}_${tag}_${++checkpoints}`,
    checkpointOnPause: false,
  });
  const context = new ContextManager(store, systemClock);
  const managers = { store, tasks, sessions, context };
  const health = store.health();
  say({
    t: 'ready',
    openMs,
    recovery: health.recovery,
    readOnly: health.readOnly,
    readOnlyReason: health.readOnlyReason,
    tasks: count(store, 'tasks'),
    via: 'managers',
  });
  if (health.readOnly) return; // the parent reports it; nothing to do read-only

  let n = 0;
  const issue = (op: CrashOp): Promise<void> => {
    const k = ++n;
    say({ t: 'begin', n: k, op });
    return perform(managers, op).then(
      () => say({ t: 'ack', n: k }),
      (err: Error) => say({ t: 'fail', n: k, error: err.message }),
    );
  };

  const choose = (): CrashOp => {
    const total = count(store, 'tasks');
    const r = random();
    const createP = total < config.maxTasks ? 0.22 : 0.04;
    const deleteP = total > config.maxTasks ? 0.25 : 0.03;
    if (total === 0 || r < createP) {
      const deps = new Set<string>();
      const want = Math.floor(random() * 4); // 0–3 dependencies on earlier tasks
      for (let i = 0; i < want && total > 0; i++) deps.add(randomTask(store, random, total).id);
      return {
        op: 'create',
        id: `task_${tag}_${ids + 1}`,
        title: `Task ${tag}.${ids + 1}`,
        status: random() < 0.15 ? 'done' : 'pending',
        priority: pick(priorities),
        deps: [...deps],
      };
    }
    if (r < createP + deleteP) return { op: 'delete', id: randomTask(store, random, total).id };
    if (r < 0.6) {
      // a status change allowed by transitions.ts; running only when every dependency is done
      const t = randomTask(store, random, total);
      const from = t.status as TaskStatus;
      const targets = taskStatuses.filter(
        s => s !== from && canTransition(from, s) && (s !== 'running' || tasks.blockers(t.id).length === 0),
      );
      return { op: 'status', id: t.id, to: pick(targets) };
    }
    if (r < 0.72) {
      // progress of a finished task is refused (it is final); pick an unfinished one
      const t = randomTask(store, random, total);
      if (!['done', 'skipped', 'cancelled'].includes(t.status))
        return { op: 'progress', id: t.id, value: Math.floor(random() * 101) };
    }
    if (r < 0.76) return { op: 'title', id: randomTask(store, random, total).id, title: `Renamed ${tag}.${n + 1}` };
    if (r < 0.84) {
      // an edge from the later task to the earlier one keeps the graph acyclic
      const a = randomTask(store, random, total);
      const b = randomTask(store, random, total);
      if (a.id !== b.id)
        return a.seq > b.seq ? { op: 'addDep', id: a.id, dep: b.id } : { op: 'addDep', id: b.id, dep: a.id };
    }
    if (r < 0.88) {
      const edges = count(store, 'task_deps');
      if (edges > 0) {
        const e = store.get<{ task_id: string; depends_on: string }>(
          'SELECT task_id, depends_on FROM task_deps LIMIT 1 OFFSET ?',
          [Math.floor(random() * edges)],
        )!;
        return { op: 'removeDep', id: e.task_id, dep: e.depends_on };
      }
    }
    if (r < 0.92)
      return {
        op: 'checkpoint',
        id: `checkpoint_${tag}_${checkpoints + 1}`,
        note: `checkpoint ${tag}.${checkpoints + 1}`,
      };
    if (count(store, 'task_events') > config.maxEvents || count(store, 'checkpoints') > config.maxCheckpoints) {
      return {
        op: 'prune',
        keepEvents: Math.floor(config.maxEvents / 2),
        keepCheckpoints: Math.floor(config.maxCheckpoints / 2),
      };
    }
    const version = (store.get<{ v: number | null }>('SELECT max(version) AS v FROM context_versions')?.v ?? 0) + 1;
    return { op: 'context', version, summary: `context ${tag}.${version}` };
  };

  for (;;) {
    const r = random();
    if (r < 0.015) {
      await store.compact();
      continue;
    }
    // Mostly one change at a time; sometimes several together, so they share a flush (group commit).
    const batch = r < 0.25 ? 2 + Math.floor(random() * 4) : 1;
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0; i < batch; i++) inFlight.push(issue(choose()));
    await Promise.all(inFlight);
  }
}

/** Runs the schema, some queries and an export on a throwaway in-memory database (cold WebAssembly is slow). */
async function warmUp(): Promise<void> {
  const db = await SqliteDatabase.open();
  for (const m of migrations) db.exec(m.sql);
  db.run(
    "INSERT INTO tasks (id, seq, title, status, priority, created_at, updated_at) VALUES ('w', 1, 'w', 'pending', 2, 0, 0)",
  );
  db.all('SELECT * FROM tasks WHERE status = ? ORDER BY seq', ['pending']);
  db.integrityCheck();
  await SqliteDatabase.open(db.export());
  db.close();
}

function count(store: Store, table: string): number {
  return store.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)!.n;
}

function randomTask(store: Store, random: () => number, total: number): { id: string; status: string; seq: number } {
  return store.get<{ id: string; status: string; seq: number }>('SELECT id, status, seq FROM tasks LIMIT 1 OFFSET ?', [
    Math.floor(random() * total),
  ])!;
}

interface Managers {
  store: Store;
  tasks: TaskManager;
  sessions: SessionManager;
  context: ContextManager;
}

function perform({ store, tasks, sessions, context }: Managers, op: CrashOp): Promise<unknown> {
  switch (op.op) {
    case 'create':
      return tasks.create({ title: op.title, status: op.status, priority: op.priority, dependsOn: op.deps }).then(t => {
        // undefined when a change issued together with it already deleted it
        if (t && t.id !== op.id) throw new Error(`created ${t.id}, announced ${op.id}`);
      });
    case 'status':
      return tasks.setStatus(op.id, op.to);
    case 'progress':
      return tasks.setProgress(op.id, op.value);
    case 'title':
      return tasks.update(op.id, { title: op.title });
    case 'addDep':
      return tasks.addDependency(op.id, op.dep);
    case 'removeDep':
      return tasks.removeDependency(op.id, op.dep);
    case 'delete':
      return tasks.delete(op.id);
    case 'checkpoint':
      return sessions.createCheckpoint({ trigger: 'manual', note: op.note }).then(c => {
        if (c.id !== op.id) throw new Error(`checkpoint ${c.id}, announced ${op.id}`);
      });
    case 'context':
      return context
        .update(
          draft => {
            draft.completion.summary = op.summary;
          },
          op.summary,
          'user',
        )
        .then(v => {
          if (v !== op.version) throw new Error(`context version ${v}, announced ${op.version}`);
        });
    case 'prune':
      return store.write(w => {
        w.run('DELETE FROM task_events WHERE id <= (SELECT max(id) FROM task_events) - ?', [op.keepEvents]);
        w.run(
          'DELETE FROM checkpoints WHERE rowid NOT IN (SELECT rowid FROM checkpoints ORDER BY rowid DESC LIMIT ?)',
          [op.keepCheckpoints],
        );
      }, 'system');
  }
}

main().catch((err: Error) => {
  say({ t: 'error', error: err.stack ?? err.message });
  process.exit(1);
});
