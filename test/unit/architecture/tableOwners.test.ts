// Each table's SQL lives with the module that owns it; other modules ask through named methods
// (issue 15, item 3). The tasks, their dependencies, their event log and the plan's phases belong to
// src/core/tasks (TaskManager and the modules beside it); the store's schema and migrations create them. Read with TypeScript's own
// scanner, so only SQL in string literals and templates counts, not comments or prose about tasks.json.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const src = path.resolve(__dirname, '../../../src');

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap(e => {
    const full = path.join(folder, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The text of every string literal and template (its literal parts) in a module. */
export function stringsOf(code: string): string[] {
  const file = ts.createSourceFile('module.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    else if (ts.isTemplateExpression(node))
      found.push([node.head.text, ...node.templateSpans.map(s => s.literal.text)].join(' ${…} '));
    node.forEachChild(visit);
  };
  visit(file);
  return found;
}

/** SQL that reads or writes one of `tables` by name (not "a task from tasks.json"). */
export function namesTable(text: string, tables: readonly string[]): boolean {
  const names = tables.join('|');
  return new RegExp(String.raw`\b(FROM|JOIN|INTO|UPDATE|TABLE|ON)\s+(${names})\b(?!\.)`).test(text);
}

interface Owner {
  tables: readonly string[];
  /** Folders (under src/) whose modules may hold SQL on these tables. */
  folders: readonly string[];
  /** Modules elsewhere that join these tables with their own, and why (in a comment). */
  alsoIn?: readonly string[];
}

const owners: Owner[] = [
  { tables: ['tasks', 'task_deps', 'task_events', 'phases'], folders: ['core/tasks', 'core/store'] },
  {
    tables: ['sessions', 'session_tasks', 'checkpoints'],
    folders: ['core/sessions', 'core/store'],
    // a session's tasks are asked of the tasks' owner, which joins them with the session's scope;
    // the files half of a checkpoint (its own table, checkpoint_files) joins the checkpoint it belongs to
    alsoIn: ['core/tasks/sessionTasks.ts', 'core/git/checkpointFiles.ts'],
  },
  { tables: ['checkpoint_files'], folders: ['core/git', 'core/store'] },
  { tables: ['context_versions'], folders: ['core/context', 'core/store'] },
  { tables: ['graph_files', 'graph_edges'], folders: ['core/graph', 'core/store'] },
  {
    tables: [
      'execution_steps',
      'circuit_breakers',
      'plan_confirmations',
      'confidence_approvals',
      'error_signatures',
      'error_fix_outcomes',
    ],
    folders: ['core/execution', 'core/store'],
    // a task's next attempt is numbered past every attempt in the step journal, in the same write
    // that starts it (TaskManager.setStatusIn); asking execution/ would make tasks/ import it, a circle
    alsoIn: ['core/tasks/taskManager.ts'],
  },
];

/** Modules (relative to src/) holding SQL on a table they do not own, with the table. */
function strangers(owner: Owner): string[] {
  return sourceFiles(src)
    .map(f => path.relative(src, f).split(path.sep).join('/'))
    .filter(rel => !owner.folders.some(folder => rel.startsWith(`${folder}/`)) && !owner.alsoIn?.includes(rel))
    .filter(rel => {
      const code = fs.readFileSync(path.join(src, rel), 'utf8');
      // parsed only when the raw text names a table somewhere (most modules do not)
      return namesTable(code, owner.tables) && stringsOf(code).some(s => namesTable(s, owner.tables));
    })
    .sort();
}

describe("each table's SQL", () => {
  for (const owner of owners)
    it(`on ${owner.tables.join(', ')} is only in ${[...owner.folders, ...(owner.alsoIn ?? [])].map(f => `src/${f}`).join(', ')}`, () => {
      assert.deepStrictEqual(strangers(owner), []);
    });

  it('is found in strings and templates, and prose about tasks.json or comments are not (the check itself)', () => {
    const code = [
      '// SELECT * FROM tasks in a comment',
      "const a = 'SELECT id FROM tasks WHERE id = ?';",
      'const b = `SELECT count(*) FROM session_tasks st JOIN tasks t ON t.id = st.task_id WHERE x = ${y}`;',
      "const c = 'Continuum runs a task from tasks.json';",
      "const d = 'INSERT OR IGNORE INTO task_deps (task_id, depends_on) VALUES (?, ?)';",
      "const e = 'SELECT * FROM task_events';",
    ].join('\n');
    assert.deepStrictEqual(
      stringsOf(code).map(s => namesTable(s, ['tasks', 'task_deps'])),
      [true, true, false, true, false],
    );
  });
});
