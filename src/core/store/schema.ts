// The database schema as an ordered list of migrations, keyed on `PRAGMA user_version`.
// A migration is never edited once released: add a new one at the end. Each runs inside the
// transaction that opens the store, so a failed migration leaves the previous version intact.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'context, tasks, phases, task events, sessions, checkpoints',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE context_versions (
        version    INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        actor      TEXT NOT NULL,
        summary    TEXT NOT NULL,
        data       TEXT NOT NULL            -- JSON ProjectContext
      );

      CREATE TABLE phases (
        id         TEXT PRIMARY KEY,
        key        TEXT UNIQUE,             -- stable key from a plan ("plan.md#1")
        title      TEXT NOT NULL,
        number     TEXT,                    -- "1", "2.1" when the heading was numbered
        position   INTEGER NOT NULL,
        source     TEXT                     -- the plan file it came from
      );

      CREATE TABLE tasks (
        id            TEXT PRIMARY KEY,
        key           TEXT UNIQUE,          -- stable key from a plan; NULL for tasks made by hand
        seq           INTEGER NOT NULL,     -- creation order, the last tie-breaker
        title         TEXT NOT NULL,
        description   TEXT NOT NULL DEFAULT '',
        status        TEXT NOT NULL,
        priority      INTEGER NOT NULL,     -- 0 critical, 1 high, 2 normal, 3 low
        progress      INTEGER NOT NULL DEFAULT 0,
        attempts      INTEGER NOT NULL DEFAULT 0,
        max_attempts  INTEGER NOT NULL DEFAULT 3,
        deadline      INTEGER,              -- epoch ms
        capabilities  TEXT NOT NULL DEFAULT '[]',
        action        TEXT,                 -- JSON TaskAction
        result        TEXT,
        error         TEXT,
        phase_id      TEXT REFERENCES phases(id) ON DELETE SET NULL,
        parent_id     TEXT REFERENCES tasks(id) ON DELETE SET NULL,
        number        TEXT,                 -- "1.1" when numbered in its plan
        open_deps     INTEGER NOT NULL DEFAULT 0, -- dependencies not yet done; kept by the triggers below
        revision      INTEGER NOT NULL DEFAULT 0, -- moves on every change to the row (trigger below)
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        started_at    INTEGER,
        completed_at  INTEGER
      );
      -- ready = pending with no open dependency, in the ready order: priority, then deadline
      -- (none = last), then creation. One index walk answers readyTasks() and nextTask().
      CREATE INDEX tasks_by_order ON tasks(status, open_deps, priority, coalesce(deadline, 9007199254740991), seq);
      CREATE INDEX tasks_by_phase ON tasks(phase_id);

      CREATE TABLE task_deps (
        task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        depends_on TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        PRIMARY KEY (task_id, depends_on)
      ) WITHOUT ROWID;
      CREATE INDEX task_deps_by_target ON task_deps(depends_on);

      -- tasks.open_deps follows every change to dependencies and to statuses. Triggers run inside
      -- the statement that fires them, so journal replay keeps the count exactly as well.
      CREATE TRIGGER task_deps_added AFTER INSERT ON task_deps BEGIN
        UPDATE tasks SET open_deps = open_deps + 1
        WHERE id = NEW.task_id AND coalesce((SELECT status FROM tasks WHERE id = NEW.depends_on), '') <> 'done';
      END;
      CREATE TRIGGER task_deps_removed AFTER DELETE ON task_deps BEGIN
        UPDATE tasks SET open_deps = open_deps - 1
        WHERE id = OLD.task_id AND coalesce((SELECT status FROM tasks WHERE id = OLD.depends_on), '') <> 'done';
      END;
      -- before the row goes, so the trigger above still sees the deleted task's status
      CREATE TRIGGER task_deleted BEFORE DELETE ON tasks BEGIN
        DELETE FROM task_deps WHERE depends_on = OLD.id OR task_id = OLD.id;
      END;
      CREATE TRIGGER task_revised AFTER UPDATE ON tasks WHEN NEW.revision = OLD.revision BEGIN
        UPDATE tasks SET revision = OLD.revision + 1 WHERE id = NEW.id;
      END;
      CREATE TRIGGER task_done_changed AFTER UPDATE OF status ON tasks WHEN (OLD.status = 'done') <> (NEW.status = 'done') BEGIN
        UPDATE tasks SET open_deps = open_deps + (CASE WHEN NEW.status = 'done' THEN -1 ELSE 1 END)
        WHERE id IN (SELECT task_id FROM task_deps WHERE depends_on = NEW.id);
      END;

      CREATE TABLE task_events (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id  TEXT NOT NULL,
        at       INTEGER NOT NULL,
        actor    TEXT NOT NULL,
        kind     TEXT NOT NULL,             -- created, updated, status, progress, deleted
        detail   TEXT NOT NULL DEFAULT '{}' -- JSON
      );
      CREATE INDEX task_events_by_task ON task_events(task_id, id);
      CREATE INDEX task_events_by_time ON task_events(at);

      CREATE TABLE sessions (
        id              TEXT PRIMARY KEY,
        name            TEXT NOT NULL,
        status          TEXT NOT NULL,      -- created, running, paused, interrupted, failed, completed
        created_at      INTEGER NOT NULL,
        started_at      INTEGER,
        updated_at      INTEGER NOT NULL,
        heartbeat_at    INTEGER,
        ended_at        INTEGER,
        running_ms      INTEGER NOT NULL DEFAULT 0,
        current_task_id TEXT,
        error           TEXT,
        note            TEXT
      );

      CREATE TABLE session_tasks (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        PRIMARY KEY (session_id, task_id)
      ) WITHOUT ROWID;
      CREATE INDEX session_tasks_by_task ON session_tasks(task_id);

      CREATE TABLE checkpoints (
        id              TEXT PRIMARY KEY,
        session_id      TEXT REFERENCES sessions(id) ON DELETE SET NULL,
        created_at      INTEGER NOT NULL,
        trigger         TEXT NOT NULL,      -- manual, every-n-tasks, pause, before-risky-action, before-restore
        note            TEXT NOT NULL DEFAULT '',
        context_version INTEGER,
        state           TEXT NOT NULL       -- JSON CheckpointState
      );
      CREATE INDEX checkpoints_by_session ON checkpoints(session_id, created_at);
    `,
  },
  {
    version: 2,
    description: 'executor: step journal, circuit breakers, plan command confirmations',
    sql: `
      -- One row per step of a task's action, written before the step runs and again with its
      -- result: what lets a resume skip every completed step (see src/core/execution/journal.ts).
      CREATE TABLE execution_steps (
        key        TEXT PRIMARY KEY,        -- idempotency key: <task id>#<attempt>/<step>
        session_id TEXT,
        task_id    TEXT NOT NULL,
        attempt    INTEGER NOT NULL,        -- tasks.attempts when the step ran
        step       TEXT NOT NULL,
        status     TEXT NOT NULL,           -- started, succeeded, failed
        rerunnable INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at   INTEGER,
        result     TEXT                     -- JSON
      );
      CREATE INDEX execution_steps_by_task ON execution_steps(task_id, attempt);

      -- cockatiel circuit breaker state per action kind (CircuitBreakerPolicy.toJSON()).
      CREATE TABLE circuit_breakers (
        kind       TEXT PRIMARY KEY,
        state      TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- A plan's commands run only after the user confirmed them once; new commands ask again.
      CREATE TABLE plan_confirmations (
        source        TEXT PRIMARY KEY,
        commands_hash TEXT NOT NULL,
        confirmed_at  INTEGER NOT NULL,
        actor         TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'knowledge graph: files with their facts, resolved module edges',
    sql: `
      -- One row per source file: its content hash (a file with the same hash is never parsed
      -- again) and what extraction found in it (src/core/graph/model.ts, FileFacts).
      CREATE TABLE graph_files (
        id     TEXT PRIMARY KEY,            -- path relative to the workspace folder, with /
        hash   TEXT NOT NULL,
        size   INTEGER NOT NULL,
        status TEXT NOT NULL,               -- parsed, failed, skipped
        error  TEXT,
        facts  TEXT NOT NULL                -- JSON FileFacts
      );

      -- File-to-file and file-to-package imports and re-exports, as resolved: for readers that want
      -- "what imports X" without loading the graph (the executor scoping tests, agents).
      CREATE TABLE graph_edges (
        from_id TEXT NOT NULL,
        to_id   TEXT NOT NULL,              -- a file id, or pkg:<name>
        kind    TEXT NOT NULL,              -- imports, reexports
        names   TEXT NOT NULL DEFAULT '[]', -- JSON array of imported names
        PRIMARY KEY (from_id, to_id, kind)
      ) WITHOUT ROWID;
      CREATE INDEX graph_edges_by_target ON graph_edges(to_id);
    `,
  },
  {
    version: 4,
    description: 'checkpoints: the workspace-files half (git snapshot commits under refs/continuum/)',
    sql: `
      -- One row per checkpoint that has a snapshot of the workspace files (src/core/git). The commit
      -- lives in the workspace's git object store under ref; a pruned snapshot loses its row.
      CREATE TABLE checkpoint_files (
        checkpoint_id TEXT PRIMARY KEY REFERENCES checkpoints(id) ON DELETE CASCADE,
        session_key   TEXT NOT NULL,        -- the session id, or 'no-session'
        seq           INTEGER NOT NULL,     -- <n> in refs/continuum/checkpoints/<session>/<n>
        commit_id     TEXT NOT NULL,
        tree_id       TEXT NOT NULL,
        ref           TEXT NOT NULL,
        files_changed INTEGER NOT NULL,     -- files that differ from the session's previous snapshot
        scoped        INTEGER NOT NULL,     -- 1 when only paths known to have changed were examined
        created_at    INTEGER NOT NULL,
        UNIQUE (session_key, seq)
      );
    `,
  },
  {
    version: 5,
    description: 'autonomy guards: known error signatures, fix outcomes, confidence approvals and thresholds',
    sql: `
      -- Error learning: each normalised error signature, how often and when it was seen.
      CREATE TABLE error_signatures (
        signature   TEXT PRIMARY KEY,
        sample      TEXT NOT NULL,          -- a real message with this signature
        error_class TEXT NOT NULL,
        action_kind TEXT,
        occurrences INTEGER NOT NULL,
        first_seen  INTEGER NOT NULL,
        last_seen   INTEGER NOT NULL
      );

      -- Every try of a fix for a signature (a command, or the task that resolved it); the success
      -- rate is computed from these with older outcomes weighing less.
      CREATE TABLE error_fix_outcomes (
        signature TEXT NOT NULL,
        fix_key   TEXT NOT NULL,
        fix       TEXT NOT NULL,            -- JSON Fix
        succeeded INTEGER NOT NULL,
        at        INTEGER NOT NULL
      );
      CREATE INDEX error_fix_outcomes_by_signature ON error_fix_outcomes(signature, at);

      -- The confidence gate: the user's answers per action kind, and the adapted thresholds.
      CREATE TABLE confidence_approvals (
        action_kind  TEXT PRIMARY KEY,
        always_allow INTEGER NOT NULL DEFAULT 0,
        approvals    INTEGER NOT NULL DEFAULT 0,
        skips        INTEGER NOT NULL DEFAULT 0,
        updated_at   INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: 'checkpoints save only what changed since the previous one; counts in columns',
    sql: `
      -- A checkpoint with base_id saves the tasks whose state changed since checkpoint base_id
      -- (state format 2, src/core/sessions/savedStates.ts); NULL = it saves every task.
      ALTER TABLE checkpoints ADD COLUMN base_id TEXT;
      ALTER TABLE checkpoints ADD COLUMN task_count INTEGER;  -- NULL before this version: counted from state
      ALTER TABLE checkpoints ADD COLUMN tasks_done INTEGER;
      CREATE INDEX checkpoints_by_base ON checkpoints(base_id);
      -- Deleting a checkpoint folds its saved tasks into the checkpoints built on it (a later entry
      -- wins; task entries are arrays or 0, which json_patch replaces whole), so they stay complete.
      CREATE TRIGGER checkpoint_deleted BEFORE DELETE ON checkpoints BEGIN
        UPDATE checkpoints SET base_id = OLD.base_id,
          state = json_set(state, '$.tasks', json_patch(json_extract(OLD.state, '$.tasks'), json_extract(state, '$.tasks')))
        WHERE base_id = OLD.id;
      END;
    `,
  },
  {
    version: 7,
    description:
      "steps record the process they started (a killed run's orphans); tasks record where their commands came from",
    sql: `
      -- JSON {pid, startTime, group} of the process a step started (src/core/execution/journal.ts); NULL when none
      ALTER TABLE execution_steps ADD COLUMN process TEXT;
      -- Where a task's action came from when not from this person here ('an agent', 'the state file
      -- exported …'): its commands run only once confirmed (src/core/execution/confirmations.ts).
      -- NULL: made here, or from a plan (known by its key).
      ALTER TABLE tasks ADD COLUMN origin TEXT;
    `,
  },
  {
    version: 8,
    description:
      'plan structure: phases nest and keep priority, dependencies, estimate, status and acceptance notes; tasks keep an estimate',
    sql: `
      ALTER TABLE phases ADD COLUMN parent_id TEXT REFERENCES phases(id) ON DELETE SET NULL; -- the phase it sits in ("2" for "2.1")
      ALTER TABLE phases ADD COLUMN priority INTEGER;   -- written under its heading; 0 critical … 3 low; NULL none
      ALTER TABLE phases ADD COLUMN details TEXT;       -- JSON PhaseDetails: estimate, status, notes, dependsOn (plan keys)
      ALTER TABLE tasks ADD COLUMN estimate TEXT;       -- as written in the plan ("1.5 hours")
      CREATE INDEX phases_by_parent ON phases(parent_id);
    `,
  },
  {
    version: 9,
    description: "agents' claims on tasks: who holds a task and until when; events say which agent made them",
    sql: `
      -- An agent working on a task holds a claim with a lease (src/core/tasks/taskManager.ts, claimNext):
      -- its calls renew the lease; once lease_until has passed the task is free again (checked when
      -- read or claimed: no timer). NULL: nobody holds it.
      ALTER TABLE tasks ADD COLUMN claimed_by TEXT;        -- the agent's id (client name + session)
      ALTER TABLE tasks ADD COLUMN claimed_by_name TEXT;   -- what a person reads ("Claude Code")
      ALTER TABLE tasks ADD COLUMN lease_until INTEGER;    -- epoch ms
      CREATE INDEX tasks_by_claim ON tasks(claimed_by);
      -- The agent behind an event (actor 'agent'), by name, so the tree and the log can say "claimed by Claude Code".
      ALTER TABLE task_events ADD COLUMN agent TEXT;
    `,
  },
  {
    version: 10,
    description: "a task's action kind as a column, and the run's ready order per kind as an index",
    sql: `
      -- The kind of a task's action ('shell', 'vscodeTask', 'lm', 'manual'; NULL for a task without an
      -- action), computed from the action, never written. The index gives a run the first few ready
      -- tasks of a kind in the ready order without reading (or sorting) the others
      -- (src/core/tasks/sessionTasks.ts, readyInSessionOfKinds).
      ALTER TABLE tasks ADD COLUMN kind TEXT GENERATED ALWAYS AS (json_extract(action, '$.kind')) VIRTUAL;
      CREATE INDEX tasks_ready_by_kind ON tasks(kind, status, open_deps, priority, coalesce(deadline, 9007199254740991), seq);
    `,
  },
  {
    version: 11,
    description: 'the tasks whose saved state changed since the newest checkpoint, so the next one reads only those',
    sql: `
      -- Every task created, deleted, or written to in a column a checkpoint saves, since the checkpoint
      -- named by meta 'task_state_changes_since' (src/core/sessions/savedStates.ts). Triggers keep
      -- it, so no way of changing a task can be missed; creating a checkpoint empties it and names
      -- itself. A task written to without a real change may be listed: the checkpoint compares.
      CREATE TABLE task_state_changes (task_id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TRIGGER task_state_created AFTER INSERT ON tasks BEGIN
        INSERT OR IGNORE INTO task_state_changes (task_id) VALUES (NEW.id);
      END;
      CREATE TRIGGER task_state_deleted AFTER DELETE ON tasks BEGIN
        INSERT OR IGNORE INTO task_state_changes (task_id) VALUES (OLD.id);
      END;
      CREATE TRIGGER task_state_written AFTER UPDATE OF id, status, progress, attempts, result, error, started_at, completed_at ON tasks BEGIN
        INSERT OR IGNORE INTO task_state_changes (task_id) VALUES (OLD.id);
        INSERT OR IGNORE INTO task_state_changes (task_id) VALUES (NEW.id);
      END;
    `,
  },
  {
    version: 12,
    description:
      "knowledge graph: each file's stamp when it was hashed, so that a rebuild reads only files whose stamp changed",
    sql: `
      -- Size, modification and change times and inode of the file when its hash was taken
      -- (src/core/graph/parseSession.ts): a file with the same stamp is not read again. NULL: none
      -- (stored before this version, or changed too recently to be told apart by its times): read it.
      ALTER TABLE graph_files ADD COLUMN stamp TEXT;
    `,
  },
  {
    version: 13,
    description: 'knowledge graph: the files that do not parse, found without reading every file',
    sql: `
      -- After every build the files that failed to parse are counted and the first is named
      -- (src/core/graph/graphStore.ts, loadParseFailures): a scan of every file's row took 3 ms on
      -- PatternFly's 3,176 files. Only the failed ones are in this index: usually none.
      CREATE INDEX graph_files_failed ON graph_files(id) WHERE status = 'failed';
    `,
  },
];

export const latestSchemaVersion = migrations[migrations.length - 1].version;
