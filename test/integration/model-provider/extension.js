// @ts-check
// Test only: a chat model provider whose model answers by script. It says whether it was given
// Continuum's briefing (the text between <briefing> tags in the messages) and repeats the briefing's
// first line and the question, so a test can see what @continuum passed to its model.
const vscode = require('vscode');

/** @param {readonly vscode.LanguageModelChatRequestMessage[]} messages */
function textOf(messages) {
  return messages.map(m => m.content.map(p => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('')).join('\n');
}

/** The workspace's .continuum-test-plan.md, or undefined when there is none. */
async function planOfWorkspace() {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.continuum-test-plan.md')));
  } catch {
    return undefined;
  }
}

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  /** @type {vscode.LanguageModelChatInformation} */
  const model = {
    id: 'scripted', name: 'Continuum Test Model', family: 'continuum-test', version: '1',
    maxInputTokens: 100000, maxOutputTokens: 4000, capabilities: { toolCalling: true },
  };
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider('continuum-test', {
    provideLanguageModelChatInformation: () => [model],
    provideTokenCount: (_model, text) => Promise.resolve(Math.ceil((typeof text === 'string' ? text : textOf([text])).length / 4)),
    async provideLanguageModelChatResponse(_model, messages, _options, progress) {
      const all = textOf(messages);
      // Continuum's Plan from Goal asks with a "Goal: …" line: the answer is the workspace's
      // .continuum-test-plan.md wrapped in prose and a code fence, as models write; without that file, prose only
      if (/\bGoal: /.test(all)) {
        const plan = await planOfWorkspace();
        progress.report(new vscode.LanguageModelTextPart(plan === undefined
          ? 'I would need to know more about your project before I can plan this.'
          : `Here is a plan for the goal.\n\n\`\`\`markdown\n${plan}\`\`\`\n\nGood luck!`));
        return;
      }
      const briefing = /<briefing>\n([^\n]*)/.exec(all);
      const last = messages[messages.length - 1];
      const question = textOf([last]);
      progress.report(new vscode.LanguageModelTextPart(
        `Scripted answer. ${briefing ? `Briefing received, starting: ${briefing[1]}` : 'No briefing received.'} Question: ${question}`));
    },
  }));
}

module.exports = { activate };
