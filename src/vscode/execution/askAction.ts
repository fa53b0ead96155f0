// Add Task's questions about what the task does: its kind, then its command or VS Code task.
import type { TaskAction } from '../../core/tasks/model';
import type { Prompter } from '../prompts';

type Kind = TaskAction['kind'] | 'none';

/** The action for a new task; `null` when the person left it without one, undefined when they cancelled. */
export async function askAction(prompter: Prompter): Promise<TaskAction | null | undefined> {
  const kind = await prompter.pick<Kind>(
    [
      { label: 'Shell command', description: 'Continuum runs a command in the workspace', value: 'shell' },
      { label: 'VS Code task', description: 'Continuum runs a task from tasks.json', value: 'vscodeTask' },
      {
        label: 'Manual',
        description: 'a person does it; the session waits for Mark Done / Mark Failed',
        value: 'manual',
      },
      { label: 'No action', description: 'a to-do on the list', value: 'none' },
    ],
    { placeHolder: 'What does this task do?' },
  );
  if (kind === undefined) return undefined;
  if (kind === 'none') return null;
  if (kind === 'manual') return { kind: 'manual' };
  if (kind === 'vscodeTask') {
    const label = await prompter.input({
      prompt: 'Label of the task in tasks.json',
      placeHolder: 'e.g. build',
      validateInput: v => (v.trim() ? undefined : 'Give the label of a task in tasks.json.'),
    });
    return label?.trim() ? { kind: 'vscodeTask', label: label.trim() } : undefined;
  }
  const command = await prompter.input({
    prompt: 'Command to run in the workspace (run without a shell unless it uses pipes, && or redirections)',
    placeHolder: 'e.g. npm run build',
    validateInput: v => (v.trim() ? undefined : 'Give the command to run.'),
  });
  if (!command?.trim()) return undefined;
  const verify = await prompter.input({
    prompt: 'Verify command (optional): must exit 0 before the task counts as done',
    placeHolder: 'e.g. npm test — leave empty for none',
  });
  if (verify === undefined) return undefined;
  return { kind: 'shell', command: command.trim(), ...(verify.trim() ? { verify: verify.trim() } : {}) };
}
