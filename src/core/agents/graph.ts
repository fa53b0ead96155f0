// continuum_graph: from the knowledge graph, what a change to a file or symbol may affect, what it
// depends on, and what depends on it. Without a built graph it says what to run.
import { z } from 'zod/v4';
import { isAbsolute } from 'path';
import type { Component } from '../graph/model';
import { noGraphMessage } from './taskWork';
import { AgentToolError, type AgentTool } from './tool';

const graphInput = z
  .object({
    target: z
      .string()
      .min(1)
      .max(1_000)
      .describe('a file path relative to the workspace (src/app.ts) or a component id (src/app.ts#App)'),
    query: z.enum(['affected', 'dependencies', 'dependents']).default('affected'),
    recursive: z.boolean().optional().describe('dependencies/dependents: all levels, not only direct'),
    limit: z.number().int().min(1).max(500).optional().describe('at most this many (default 50)'),
  })
  .strict();

export interface GraphAnswer {
  target: string;
  query: string;
  components: Array<{ id: string; kind: string; depth?: number; via?: string }>;
  total: number;
  message: string;
}

export const graphTool: AgentTool<typeof graphInput, GraphAnswer> = {
  name: 'continuum_graph',
  title: 'Knowledge graph',
  description:
    'For a file or symbol: the components a change may affect (default), its dependencies, or its dependents, from the knowledge graph.',
  input: graphInput,
  readOnly: true,
  destructive: false,
  lean: true,
  run(ctx, input) {
    const graph = ctx.core.graph;
    if (!graph.isBuilt) throw new AgentToolError(noGraphMessage);
    const target = input.target.replace(/\\/g, '/').replace(/^\.\//, '');
    const id = graph.getComponent(target)
      ? target
      : isAbsolute(input.target)
        ? graph.fileIdOf(target)
        : graph.fileComponent(target)?.id;
    if (!id || !graph.getComponent(id)) {
      const like = graph.search(target.split(/[/#]/).pop() ?? target, 5).map(c => c.id);
      throw new AgentToolError(
        `The knowledge graph knows no file or component '${input.target.slice(0, 200)}'. Use a path relative to the workspace folder or a component id${like.length ? `; similar: ${like.join(', ')}` : ''}. If the file is new, the graph may need \`continuum graph build\`.`,
      );
    }
    const limit = input.limit ?? 50;
    const list =
      input.query === 'affected'
        ? graph
            .findAffectedComponents(id)
            .map(a => ({ id: a.component.id, kind: a.component.kind, depth: a.depth, via: a.via }))
        : (input.query === 'dependencies'
            ? graph.getDependencies(id, { recursive: input.recursive })
            : graph.getDependents(id, { recursive: input.recursive })
          ).map((c: Component) => ({ id: c.id, kind: c.kind }));
    const words = {
      affected: 'may be affected by a change to',
      dependencies: `${input.recursive ? '' : 'direct '}dependencies of`,
      dependents: `${input.recursive ? '' : 'direct '}dependents of`,
    }[input.query];
    const message = `${list.length} component(s) ${input.query === 'affected' ? words : `are ${words}`} ${id}.`;
    const shown = list.slice(0, limit);
    return Promise.resolve({
      structured: { target: id, query: input.query, components: shown, total: list.length, message },
      summary: `${message}${shown.length ? `\n${shown.map(c => `- ${c.id} (${c.kind})`).join('\n')}` : ''}${list.length > shown.length ? `\n… and ${list.length - shown.length} more` : ''}`,
    });
  },
};
