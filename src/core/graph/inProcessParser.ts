// The parser port without a worker: the same ParseSession on the calling thread. For unit tests and
// for tools that do not mind blocking (it loads ts-morph, so the extension never uses it).
import {
  CancelledError,
  type BuildReply,
  type BuildRequest,
  type GraphParser,
  type ParseBatch,
  type UpdateReply,
  type UpdateRequest,
} from './parser';
import { ParseSession } from './parseSession';
import type { SourceTree } from './scan';

export function inProcessParser(tree: SourceTree): GraphParser {
  const session = new ParseSession(tree);
  return {
    async build(
      request: BuildRequest,
      onBatch: (batch: ParseBatch) => void,
      signal?: AbortSignal,
    ): Promise<BuildReply> {
      const reply = session.build(request, onBatch, () => signal?.aborted ?? false);
      if (!reply) throw new CancelledError();
      return reply;
    },
    async update(request: UpdateRequest): Promise<UpdateReply> {
      return session.update(request);
    },
    dispose() {},
  };
}
