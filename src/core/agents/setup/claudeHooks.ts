// Claude Code's session hooks in .claude/settings.json: SessionStart (on startup, resume, /clear and
// after compaction) prints the briefing, which Claude Code adds to the conversation; PreCompact saves
// a checkpoint before the conversation is summarised. This is how the work's state survives
// summarisation.
import { findNodeAtLocation, getNodeValue, type Node } from 'jsonc-parser/lib/esm/main.js';
import { commandLine } from './launch';
import { parseSettingsObject, sameJson, setJsonValue } from './jsonConfig';
import { SetupError, type MergeOutcome } from './outcome';

export interface HookInputs {
  cliPath: string;
  /** The store's folder (the CLI's briefing and checkpoint take --store). */
  store: string;
  workspace: string;
  platform: NodeJS.Platform;
}

interface HookGroup {
  matcher: string;
  hooks: Array<{ type: 'command'; command: string; timeout?: number }>;
}

/** The hooks Continuum adds, by event, and how to recognise one it added before (whatever its paths). */
export function continuumHooks(inputs: HookInputs): Array<{ event: string; group: HookGroup; ours: RegExp }> {
  const run = (...words: string[]) => commandLine(['node', inputs.cliPath, ...words], inputs.platform);
  return [
    {
      event: 'SessionStart',
      group: {
        matcher: 'startup|resume|clear|compact',
        hooks: [
          { type: 'command', command: run('briefing', '--format', 'markdown', '--store', inputs.store), timeout: 30 },
        ],
      },
      ours: /cli\.js['"]? briefing --format markdown/,
    },
    {
      event: 'PreCompact',
      group: {
        matcher: 'manual|auto',
        hooks: [
          {
            type: 'command',
            command: run(
              'checkpoint',
              '--store',
              inputs.store,
              '--workspace',
              inputs.workspace,
              '--agent',
              'Claude Code',
              '--note',
              'before the conversation was compacted',
            ),
            timeout: 60,
          },
        ],
      },
      ours: /cli\.js['"]? checkpoint /,
    },
  ];
}

/** Where in the event's groups a hook Continuum added sits: [group index, hook index]. */
function findOurs(groups: Node, ours: RegExp): [number, number] | undefined {
  for (const [g, group] of (groups.children ?? []).entries()) {
    const hooks = findNodeAtLocation(group, ['hooks']);
    for (const [h, hook] of (hooks?.children ?? []).entries()) {
      const command = findNodeAtLocation(hook, ['command']);
      if (command?.type === 'string' && ours.test(command.value as string)) return [g, h];
    }
  }
  return undefined;
}

/**
 * .claude/settings.json with Continuum's hooks added beside the person's own. A Continuum hook that
 * is there with other paths or arguments is a conflict: replaced only when the person agrees.
 */
export function mergeClaudeHooks(text: string | undefined, file: string, inputs: HookInputs): MergeOutcome {
  let all = text ?? '';
  let otherwise = text ?? '';
  const replaced: string[] = [];
  for (const { event, group, ours } of continuumHooks(inputs)) {
    for (const [current, isAll] of [
      [all, true],
      [otherwise, false],
    ] as const) {
      const root = parseSettingsObject(current, file);
      const hooks = root && findNodeAtLocation(root, ['hooks']);
      if (hooks && hooks.type !== 'object')
        throw new SetupError(
          `"hooks" in ${file} is not an object; Continuum wrote nothing to it. Fix the file and run Set Up Agents again.`,
        );
      const groups = hooks && findNodeAtLocation(hooks, [event]);
      if (groups && groups.type !== 'array')
        throw new SetupError(
          `"hooks.${event}" in ${file} is not a list; Continuum wrote nothing to it. Fix the file and run Set Up Agents again.`,
        );
      const found = groups && findOurs(groups, ours);
      let next = current;
      if (!groups) next = setJsonValue(current, ['hooks', event], [group]);
      else if (!found)
        next = setJsonValue(current, ['hooks', event], group, { insertAt: groups.children?.length ?? 0 });
      else {
        const hookNode = findNodeAtLocation(groups, [found[0], 'hooks', found[1]])!;
        const existing: unknown = getNodeValue(hookNode);
        if (!sameJson(existing, group.hooks[0]) && isAll) {
          replaced.push(`${event}: ${(existing as { command?: string }).command ?? JSON.stringify(existing)}`);
          next = setJsonValue(current, ['hooks', event, found[0], 'hooks', found[1]], group.hooks[0]);
        }
      }
      if (isAll) all = next;
      else otherwise = next;
    }
  }
  if (replaced.length)
    return {
      kind: 'conflict',
      text: all,
      existing: replaced.join('\n'),
      ...(otherwise !== (text ?? '') ? { otherwise } : {}),
    };
  return all === (text ?? '') ? { kind: 'unchanged' } : { kind: 'write', text: all };
}
