// The benchmark's task graph: tasks 1..n, each depending on 0–3 earlier ones (mostly recent), ~30%
// done (mostly the early ones), one event each, plus checkpoints with a small state each.
import type { Store, StoreWriter } from '../../src/core/store/types';
import type { TaskStatus } from '../../src/core/tasks/model';

/** Tasks 1..n: 0–3 dependencies on earlier tasks (mostly recent ones), ~30% done, one event each; then 1,000 checkpoints. */
export async function buildGraph(
  store: Store,
  n: number,
  random: () => number,
  checkpointCount: number,
): Promise<void> {
  const chunk = 5000;
  const now = Date.now();
  for (let start = 1; start <= n; start += chunk) {
    await store.write(w => {
      for (let i = start; i < Math.min(n + 1, start + chunk); i++) insertTask(w, i, n, now, random);
    }, 'system');
  }
  // Checkpoints with a small state each (a full captureState per checkpoint is reported separately).
  const sample = JSON.stringify({
    schema: 1,
    tasks: store.all('SELECT id, status, progress, attempts FROM tasks ORDER BY seq LIMIT 20'),
  });
  await store.write(w => {
    for (let k = 1; k <= checkpointCount; k++) {
      w.run(
        'INSERT INTO checkpoints (id, session_id, created_at, trigger, note, context_version, state) VALUES (?, NULL, ?, ?, ?, NULL, ?)',
        [`checkpoint_${k}`, now - (checkpointCount - k) * 60_000, 'every-n-tasks', `checkpoint ${k}`, sample],
      );
    }
  }, 'system');
}

export function insertTask(w: StoreWriter, i: number, n: number, now: number, random: () => number): void {
  const early = i < 0.35 * n;
  const r = random();
  let status: TaskStatus = 'pending';
  if (r < (early ? 0.85 : 0.02)) status = 'done';
  else if (r < (early ? 0.87 : 0.025)) status = 'running';
  else if (r < (early ? 0.89 : 0.035)) status = 'failed';
  else if (r < (early ? 0.9 : 0.045)) status = 'blocked';
  else if (r < (early ? 0.91 : 0.05)) status = 'skipped';
  const finished = status === 'done' || status === 'skipped';
  w.run(
    `INSERT INTO tasks (id, seq, title, description, status, priority, progress, attempts, max_attempts, deadline, capabilities, created_at, updated_at, started_at, completed_at)
    VALUES (?, ?, ?, '', ?, ?, ?, ?, 3, ?, '[]', ?, ?, ?, ?)`,
    [
      `task_${i}`,
      i,
      `Task ${i}: do the thing number ${i}`,
      status,
      Math.floor(random() * 4),
      status === 'done' ? 100 : 0,
      status === 'pending' ? 0 : 1,
      random() < 0.1 ? now + Math.floor(random() * 1e9) : null,
      now,
      now,
      status === 'pending' ? null : now,
      finished ? now : null,
    ],
  );
  w.run('INSERT INTO task_events (task_id, at, actor, kind, detail) VALUES (?, ?, ?, ?, ?)', [
    `task_${i}`,
    now,
    'system',
    'created',
    JSON.stringify({ title: `Task ${i}`, status }),
  ]);
  const deps = new Set<number>();
  const want = i > 1 ? Math.floor(random() * 4) : 0;
  for (let d = 0; d < want; d++) {
    const dep = random() < 0.7 ? Math.max(1, i - 1 - Math.floor(random() * 200)) : 1 + Math.floor(random() * (i - 1));
    if (dep < i) deps.add(dep);
  }
  for (const dep of deps)
    w.run('INSERT INTO task_deps (task_id, depends_on) VALUES (?, ?)', [`task_${i}`, `task_${dep}`]);
}
