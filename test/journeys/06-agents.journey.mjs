// Journey 6: the person connects agents. Continuum: Set Up Agents… from the Command Palette (VS Code and Claude
// Code ticked in the pick, the session hooks accepted) writes .vscode/mcp.json and .mcp.json; the server those files
// name is started exactly as they say (command, args, the project folder as its working folder, as Claude Code
// starts it) with the MCP SDK's client over stdio, as an agent would. That agent claims the next task, reports
// progress, finishes it and saves a checkpoint; the person sees each of these in the real workbench: the claim in
// the Tasks view ("claimed by Claude Code") and in the status bar, the task done, the checkpoint in the timeline.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importPlan } from './lib/flows.mjs';

export const title = 'Set Up Agents, then an agent started from its config claims, updates and checkpoints while the person watches';
export const steps = [
  'A plan of to-dos is imported',
  'Set Up Agents… writes the VS Code and Claude Code configs',
  'The server the config names starts, and the agent claims the next task',
  'The Tasks view and the status bar show the claim',
  'The agent reports progress and finishes the task: the tree shows it done',
  "The agent's checkpoint is in the timeline",
];

const PLAN = `# Parser work

## Phase 1: Parser

- [ ] 1.1 Write the tokenizer
  Priority: HIGH
- [ ] 1.2 Write the parser
  Dependencies: 1.1
- [ ] 1.3 Document the grammar
`;

export function prepare(j) {
  j.write('README.md', '# parser\n');
  j.write('parser-plan.md', PLAN);
  j.gitInit();
}

/** The JSON result of an MCP tool call, or a failure that says what the server answered. */
function result(r, what) {
  const text = r.content?.map(c => c.text ?? '').join('\n') ?? '';
  if (r.isError) throw new Error(`${what} failed: ${text}`);
  return { data: r.structuredContent ?? {}, text };
}

export default async function agents(j) {
  const p = j.person;
  let agent;
  let stderr = '';
  let claimed;

  try {
    await j.step(steps[0], async () => {
      await p.openContinuum();
      const n = await importPlan(j, 'parser-plan.md');
      j.check('the three tasks are new', /3 new/.test(n), n);
    });

    await j.step(steps[1], async () => {
      // the person already has a private VS Code MCP config (a server with a token), readable by them alone
      j.write('.vscode/mcp.json', JSON.stringify({ servers: { 'team-db': { command: 'db-mcp', env: { DB_TOKEN: 'secret' } } } }, null, 2));
      fs.chmodSync(path.join(j.workspace, '.vscode/mcp.json'), 0o600);
      await p.runCommand('Continuum: Set Up Agents');
      await p.quickInput(/Which agents should use Continuum/i);
      await p.clickRow(/Claude Code/);
      await p.clickRow(/VS Code \(MCP\)/);
      const ticked = (await p.quickText()).rows.filter(r => r.checked === 'true').map(r => r.label);
      j.check('Claude Code and VS Code are ticked', ticked.length === 2, ticked);
      await p.enter();
      await p.quickInput(/hooks/i);
      await p.pick(/Add session hooks/);
      const n = await p.notification(/Continuum set up/i);
      j.check('the notice names both configs it wrote', /\.mcp\.json/.test(n) && /\.vscode\/mcp\.json/.test(n), n);
      j.check('.mcp.json and .vscode/mcp.json are in the project', j.exists('.mcp.json') && j.exists('.vscode/mcp.json'));
      const mode = fs.statSync(path.join(j.workspace, '.vscode/mcp.json')).mode & 0o777;
      j.check('the private .vscode/mcp.json is still readable by its owner alone', mode === 0o600, mode.toString(8));
      j.check("the person's own server is still in it", !!JSON.parse(j.read('.vscode/mcp.json')).servers?.['team-db']);
    });

    await j.step(steps[2], async () => {
      const claude = JSON.parse(j.read('.mcp.json')).mcpServers?.continuum;
      const vscodeServer = JSON.parse(j.read('.vscode/mcp.json')).servers?.continuum;
      j.log(`.mcp.json names: ${JSON.stringify(claude)}`);
      if (!claude) throw new Error(`.mcp.json has no 'continuum' server: ${j.read('.mcp.json')}`);
      j.check('.vscode/mcp.json starts the same server', JSON.stringify([vscodeServer?.command, vscodeServer?.args]) === JSON.stringify([claude.command, claude.args]), vscodeServer);
      // exactly as the config says: its command and args, in the project folder, with the environment an
      // agent passes on by default (the SDK's: HOME, PATH, SHELL, USER …) and the temporary folder of the
      // person's session, which the window has too. Without TMPDIR the server does not find the window: a
      // store folder this deep has its endpoint socket under os.tmpdir(), which then differs between the two
      // processes (src/node/endpoint/address.ts; see the note of the first-hour branch).
      const env = { ...getDefaultEnvironment(), TMPDIR: path.join(j.home, 't'), ...(claude.env ?? {}) };
      const transport = new StdioClientTransport({ command: claude.command, args: claude.args, cwd: j.workspace, stderr: 'pipe', env });
      transport.stderr?.on('data', d => { stderr += String(d); });
      agent = new Client({ name: 'Claude Code', version: '1.0.0' });
      try {
        await agent.connect(transport);
      } catch (e) {
        throw new Error(`the server named in .mcp.json did not start: ${e.message}\n${stderr}`);
      }
      j.log(`server: ${stderr.trim().split('\n').at(-1)}`);
      const tools = (await agent.listTools()).tools.map(t => t.name);
      j.check('the server offers next_task, update_task and checkpoint', ['continuum_next_task', 'continuum_update_task', 'continuum_checkpoint'].every(t => tools.includes(t)), tools);
      const next = result(await agent.callTool({ name: 'continuum_next_task', arguments: {} }), 'continuum_next_task');
      j.log(`next_task: ${next.text.split('\n')[0]}`);
      claimed = next.data.task ?? next.data;
      j.check('the agent claimed the high-priority tokenizer task', /Write the tokenizer/.test(JSON.stringify(next.data)), next.text.slice(0, 300));
    });

    await j.step(steps[3], async () => {
      const row = await p.findTreeRow(/Write the tokenizer/);
      await j.eventually('the Tasks view says the tokenizer is claimed by Claude Code', async () => /claimed by Claude Code/.test(await row.innerText()), 20000);
      const item = p.page.locator('.statusbar-item').filter({ has: p.page.locator('.codicon-hubot') }).first();
      await j.eventually('the status bar shows an agent at work', () => item.isVisible(), 20000);
      await item.hover();
      const hover = p.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /Agents at work/ }).first();
      await j.eventually("the status bar's tooltip names the agent and its task", async () => /Claude Code on 'Write the tokenizer'/.test(await hover.innerText().catch(() => '')), 10000);
    });

    await j.step(steps[4], async () => {
      const taskId = claimed?.id ?? claimed?.taskId;
      j.check('the claim names its task id', typeof taskId === 'string', claimed);
      result(await agent.callTool({ name: 'continuum_update_task', arguments: { taskId, status: 'in_progress', progress: 50, note: 'tokens for numbers and names' } }), 'progress');
      result(await agent.callTool({ name: 'continuum_update_task', arguments: { taskId, status: 'done', result: 'the tokenizer reads numbers, names and operators' } }), 'done');
      await j.eventually('the tree shows the tokenizer as done', async () => /codicon-pass-filled/.test(await (await p.findTreeRow(/Write the tokenizer/, 5000)).evaluate(e => e.innerHTML)), 20000);
      const t = j.exportState().tables.tasks.find(x => x.title === 'Write the tokenizer');
      j.check('the store records the tokenizer as done', t?.status === 'done', t?.status);
    });

    await j.step(steps[5], async () => {
      result(await agent.callTool({ name: 'continuum_checkpoint', arguments: { action: 'create', note: 'tokenizer done' } }), 'checkpoint');
      await p.runCommand('Continuum: Show Checkpoint Timeline');
      const frame = await p.webviewFrame('[role="listbox"][aria-label^="Checkpoints"]');
      const option = frame.locator('[role="option"]', { hasText: 'tokenizer done' });
      await j.eventually("the agent's checkpoint is in the timeline", async () => (await option.count()) > 0, 20000);
      j.check('the timeline names the agent that made it', /Claude Code/.test(await option.first().innerText()), await option.first().innerText());
      await option.first().click();
      const text = await frame.locator('body').innerText();
      j.log(`timeline: ${text.slice(0, 400).replace(/\n/g, ' | ')}`);
      j.check('its task state has the tokenizer done', /1\/3 tasks done/.test(text), text.slice(0, 300));
    });
  } finally {
    await agent?.close().catch(() => undefined);
    if (stderr) j.log(`the server's stderr:\n${stderr.trim().split('\n').slice(-8).join('\n')}`);
  }
}
