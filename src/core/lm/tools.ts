// The tools a model may use in an `lm` task, as the model is told about them. What each does is in
// files.ts (reading), edits.ts (editing) and the action (running a command through the shell
// action's rules).
import type { ToolDefinition } from './model';

export const toolNames = ['read_file', 'list_files', 'search_files', 'edit_file', 'run_command'] as const;
export type ToolName = (typeof toolNames)[number];

export const lmTools: readonly ToolDefinition[] = [
  {
    name: 'read_file',
    description: 'Reads a text file of the workspace. Paths are relative to the workspace folder.',
    inputSchema: {
      type: 'object',
      properties: {
        path: { type: 'string' },
        startLine: { type: 'integer', minimum: 1 },
        endLine: { type: 'integer', minimum: 1 },
      },
      required: ['path'],
    },
  },
  {
    name: 'list_files',
    description:
      'Lists the files under a folder of the workspace (recursive unless recursive is false); folders end in "/". .git and node_modules are left out.',
    inputSchema: { type: 'object', properties: { path: { type: 'string' }, recursive: { type: 'boolean' } } },
  },
  {
    name: 'search_files',
    description: 'Finds the lines matching a regular expression in the workspace\'s files, as "file:line: text".',
    inputSchema: {
      type: 'object',
      properties: { pattern: { type: 'string' }, path: { type: 'string' } },
      required: ['pattern'],
    },
  },
  {
    name: 'edit_file',
    description:
      'Changes a file of the workspace: replaces oldText (which must occur exactly once) with newText, or, without oldText, writes newText as the whole file (creating it).',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, oldText: { type: 'string' }, newText: { type: 'string' } },
      required: ['path', 'newText'],
    },
  },
  {
    name: 'run_command',
    description:
      "Runs a command line in the workspace (without a shell unless it needs one) and returns its exit code and the end of its output. Commands the task does not allow may need a person's confirmation.",
    inputSchema: {
      type: 'object',
      properties: {
        command: { type: 'string' },
        cwd: { type: 'string', description: 'a folder inside the workspace, relative to it' },
      },
      required: ['command'],
    },
  },
];
