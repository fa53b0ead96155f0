// @ts-check
// Test only: a chat model provider whose model answers by script.
//
// Without tools in the request (@continuum's chat), it says whether it was given Continuum's
// briefing (the text between <briefing> tags in the messages) and repeats the briefing's first line
// and the question, so a test can see what @continuum passed to its model.
//
// With tools (an lm task), it follows the script in the workspace's `.continuum-test-model.json`,
// read at each request, so a test scripts a task turn by turn without any hook in Continuum:
//
//   { "scripts": [ { "task": "text in the task's instructions", "turns": [
//       { "text": "Reading it.", "toolCalls": [ { "name": "read_file", "input": { "path": "a.txt" } } ] },
//       { "text": "Done.", "echoLast": true },
//       { "error": "NoPermissions" } ] } ] }
//
// The turn answered is the number of the model's answers already in the conversation (so a resumed
// conversation gets the same next turn); the script is the first whose `task` occurs in the first
// message. `echoLast` adds "Got: " and the start of the last message (a tool's result, or the verify
// command's output) to the text, so a test can see what reached the model. `error` throws that
// vscode.LanguageModelError.
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');

/** @param {readonly vscode.LanguageModelChatRequestMessage[]} messages */
function textOf(messages) {
  return messages
    .map(m =>
      m.content
        .map(p =>
          p instanceof vscode.LanguageModelTextPart
            ? p.value
            : p instanceof vscode.LanguageModelToolResultPart
              ? p.content.map(c => (c instanceof vscode.LanguageModelTextPart ? c.value : '')).join('')
              : p instanceof vscode.LanguageModelToolCallPart
                ? `${p.name} ${JSON.stringify(p.input)}`
                : '',
        )
        .join(''),
    )
    .join('\n');
}

/** @returns {{ task: string, turns: Array<{ text?: string, toolCalls?: Array<{ name: string, input: object }>, echoLast?: boolean, error?: string }> }[]} */
function scripts() {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) return [];
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, '.continuum-test-model.json'), 'utf8')).scripts ?? [];
  } catch {
    return [];
  }
}

/**
 * @param {readonly vscode.LanguageModelChatRequestMessage[]} messages
 * @param {vscode.Progress<vscode.LanguageModelResponsePart>} progress
 */
function scripted(messages, progress) {
  const first = textOf(messages.slice(0, 1));
  const script = scripts().find(s => first.includes(s.task));
  if (!script) {
    progress.report(new vscode.LanguageModelTextPart('No script for this task; nothing done.'));
    return;
  }
  const turn = messages.filter(m => m.role === vscode.LanguageModelChatMessageRole.Assistant).length;
  const step = script.turns[Math.min(turn, script.turns.length - 1)];
  if (step.error) {
    const make = /** @type {Record<string, (m?: string) => vscode.LanguageModelError>} */ (
      /** @type {unknown} */ (vscode.LanguageModelError)
    )[step.error];
    throw make ? make(step.text ?? `scripted ${step.error}`) : new Error(step.text ?? step.error);
  }
  let text = step.text ?? '';
  if (step.echoLast) text += `\nGot: ${textOf(messages.slice(-1)).slice(0, 400)}`;
  if (text) progress.report(new vscode.LanguageModelTextPart(text));
  (step.toolCalls ?? []).forEach((c, i) =>
    progress.report(new vscode.LanguageModelToolCallPart(`call-${turn + 1}-${i + 1}`, c.name, c.input)),
  );
}

/** The workspace's .continuum-test-plan.md, or undefined when there is none. */
async function planOfWorkspace() {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  try {
    const file = vscode.Uri.joinPath(folder.uri, '.continuum-test-plan.md');
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  } catch {
    return undefined;
  }
}

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  /** @type {vscode.LanguageModelChatInformation} */
  const model = {
    id: 'scripted',
    name: 'Continuum Test Model',
    family: 'continuum-test',
    version: '1',
    maxInputTokens: 100000,
    maxOutputTokens: 4000,
    capabilities: { toolCalling: true },
  };
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider('continuum-test', {
      provideLanguageModelChatInformation: () => [model],
      provideTokenCount: (_model, text) =>
        Promise.resolve(Math.ceil((typeof text === 'string' ? text : textOf([text])).length / 4)),
      async provideLanguageModelChatResponse(_model, messages, options, progress) {
        if (options.tools?.length) return scripted(messages, progress);
        const all = textOf(messages);
        // Continuum's Plan from Goal asks with a "Goal: …" line: the answer is the workspace's
        // .continuum-test-plan.md wrapped in prose and a code fence, as models write; without that file, prose only
        if (/\bGoal: /.test(all)) {
          const plan = await planOfWorkspace();
          progress.report(
            new vscode.LanguageModelTextPart(
              plan === undefined
                ? 'I would need to know more about your project before I can plan this.'
                : `Here is a plan for the goal.\n\n\`\`\`markdown\n${plan}\`\`\`\n\nGood luck!`,
            ),
          );
          return;
        }
        const briefing = /<briefing>\n([^\n]*)/.exec(all);
        const last = messages[messages.length - 1];
        const question = textOf([last]);
        progress.report(
          new vscode.LanguageModelTextPart(
            `Scripted answer. ${briefing ? `Briefing received, starting: ${briefing[1]}` : 'No briefing received.'} Question: ${question}`,
          ),
        );
      },
    }),
  );
}

module.exports = { activate };
