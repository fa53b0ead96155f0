// Continuum: Set Up Agents… — the person picks agents; Continuum merges its MCP server, an
// instructions block and (for Claude Code, if wanted) session hooks into their files, asks before
// replacing a Continuum entry that differs, and says what it wrote. The merging is pure code in
// src/core/agents/setup; this file reads, asks and writes.
import { writeCliLauncher } from './cliLauncher';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { agents, planSetup, SetupError, type AgentId, type PlannedFile } from '../../core/agents/setup';
import { inert } from '../../shared/text';
import type { CommandContext, Handler } from '../commands/context';
import { writeFileAtomic } from '../../node/fileSystem';

/** What the command did, file by file (also its return value, which the integration tests read). */
export interface SetupReport {
  written: string[];
  unchanged: string[];
  /** Files with a different Continuum entry the person chose to keep. */
  kept: string[];
  failed: Array<{ file: string; message: string }>;
  /** Steps left to the person (the snippet is opened in an editor). */
  manual: string[];
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function folderExists(folder: string): Promise<boolean> {
  return fsp.stat(folder).then(
    s => s.isDirectory(),
    () => false,
  );
}

/** Writes through a temporary file beside it, so a crash leaves the old file or the new one, never half. */
async function writeWhole(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text, { mode: 'keep' });
}

const shown = (file: string, workspace: string) => {
  const relative = path.relative(workspace, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? relative
    : file.replace(os.homedir(), '~');
};

async function applyFile(
  ctx: CommandContext,
  planned: PlannedFile,
  workspace: string,
  report: SetupReport,
): Promise<void> {
  const name = shown(planned.file, workspace);
  try {
    const outcome = planned.merge(await readIfThere(planned.file));
    if (outcome.kind === 'unchanged') {
      report.unchanged.push(name);
      return;
    }
    if (outcome.kind === 'write') {
      await writeWhole(planned.file, outcome.text);
      report.written.push(name);
      return;
    }
    const answer = await ctx
      .prompts()
      .notify(
        'warning',
        `${inert(name)} already has ${planned.purpose} set differently (${inert(outcome.existing, 300)}). Replace it with this workspace's?`,
        'Replace',
        'Keep',
      );
    if (answer === 'Replace') {
      await writeWhole(planned.file, outcome.text);
      report.written.push(name);
    } else {
      if (outcome.otherwise !== undefined) await writeWhole(planned.file, outcome.otherwise);
      report.kept.push(name);
    }
  } catch (err) {
    if (!(err instanceof SetupError) && !(err as NodeJS.ErrnoException).code) throw err;
    report.failed.push({ file: name, message: (err as Error).message });
  }
}

function summary(report: SetupReport, picked: string[]): string {
  const parts = [
    report.written.length ? `wrote ${report.written.join(', ')}` : '',
    report.unchanged.length ? `already set up: ${report.unchanged.join(', ')}` : '',
    report.kept.length ? `kept as they were: ${report.kept.join(', ')}` : '',
    report.failed.length
      ? `could not change ${report.failed.map(f => f.file).join(', ')} (see the Continuum output)`
      : '',
    report.manual.length ? `left to you: ${report.manual.join(', ')} (opened in an editor)` : '',
  ].filter(Boolean);
  return `Continuum set up ${picked.join(', ')}: ${parts.join('; ')}. Each agent starts Continuum's MCP server with the \`node\` on its PATH.`;
}

export const setUpAgents: Handler = async (ctx, core) => {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error("Set Up Agents writes the agents' settings into the workspace: open a folder first.");
  const picked = await ctx.prompts().pickMany(
    agents.map(a => ({ label: a.label, description: a.where, value: a.id })),
    {
      title: 'Continuum: Set Up Agents',
      placeHolder: 'Which agents should use Continuum in this workspace?',
    },
  );
  if (!picked?.length) return undefined;
  let claudeHooks = false;
  if (picked.includes('claude-code')) {
    claudeHooks =
      (await ctx.prompts().pick(
        [
          {
            label: 'Add session hooks',
            description: 'recommended',
            detail:
              'SessionStart gives Claude Code the briefing at startup, resume, /clear and after compaction; PreCompact saves a checkpoint first (.claude/settings.json)',
            value: true,
          },
          { label: 'No hooks', value: false },
        ],
        { title: 'Claude Code', placeHolder: "Add hooks so the work's state survives /clear and compaction?" },
      )) ?? false;
  }
  const clineFolder = path.join(path.dirname(ctx.host.globalStorageUri.fsPath), 'saoudrizwan.claude-dev');
  const plan = planSetup(
    picked,
    {
      workspace: folder,
      home: os.homedir(),
      // a launcher that outlives updates of the extension, not dist/cli.js in the versioned folder
      cliPath: await writeCliLauncher(ctx.host.launcherPlace),
      store: core.store.folder,
      platform: process.platform,
      ...((await folderExists(clineFolder)) ? { clineSettings: path.join(clineFolder, 'settings') } : {}),
    },
    { claudeHooks },
  );
  const report: SetupReport = { written: [], unchanged: [], kept: [], failed: [], manual: [] };
  for (const planned of plan.files) await applyFile(ctx, planned, folder, report);
  for (const f of report.failed) ctx.output.warn(`Set Up Agents: ${f.message}`);
  if (plan.manual.length) {
    report.manual.push(...plan.manual.map(m => m.purpose));
    const content = plan.manual.map(m => `// ${m.purpose}: ${m.reason}\n${m.snippet}\n`).join('\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content, language: 'jsonc' }), {
      preview: false,
    });
  }
  // the getting-started walkthrough's "Connect an agent" step (package.json) ticks once an agent is set up
  if (report.written.length || report.unchanged.length)
    void vscode.commands.executeCommand('setContext', 'continuum.walkthrough.agentConnected', true);
  const labels = agents.filter(a => picked.includes(a.id as AgentId)).map(a => a.label);
  const openable = report.written.slice(0, 3);
  // nothing to answer: not awaited, so the command ends while the notification stays
  void ctx
    .prompts()
    .notify(report.failed.length ? 'warning' : 'info', summary(report, labels), ...openable.map(f => `Open ${f}`))
    .then(async choice => {
      const file = choice && openable.find(f => choice === `Open ${f}`);
      if (!file) return;
      const uri =
        path.isAbsolute(file) || file.startsWith('~')
          ? vscode.Uri.file(file.replace(/^~/, os.homedir()))
          : vscode.Uri.joinPath(vscode.Uri.file(folder), file);
      await vscode.window.showTextDocument(uri);
    });
  return report;
};
