// Where Continuum falls back to a lesser way of doing something, the step down is reported to the
// degradation registry with its level, so Health shows it: files of the knowledge graph that do
// not parse (only their imports are known), checkpoints without their files, a session delivered
// without its pull request, a VS Code task run through its declared shell equivalent.
import type { Disposable } from '../../events';
import { loadParseFailures } from '../../graph/graphStore';
import type { StoreReader } from '../../store/types';
import type { Degradation, DegradationRegistry } from './degradation';

/** The knowledge graph's files that did not parse: imports only (moderate), or full service when none. */
export function reportGraphParsing(r: StoreReader, registry: DegradationRegistry): Degradation | undefined {
  const row = loadParseFailures(r);
  const failed = row?.n ?? 0;
  if (!failed) {
    registry.restore('graph');
    return undefined;
  }
  const example = row?.id ? ` (${row.id}${row.error ? `: ${row.error.slice(0, 160)}` : ''})` : '';
  return registry.use(
    'graph',
    'import scan',
    `${failed} file${failed === 1 ? ' does' : 's do'} not parse${example}; only ${failed === 1 ? 'its' : 'their'} imports are known. Fix the syntax and save.`,
  );
}

/** Keeps the graph's degradation current as the graph changes. */
export function watchGraphParsing(
  r: StoreReader,
  onGraphChange: (listener: () => void) => Disposable,
  registry: DegradationRegistry,
): Disposable {
  reportGraphParsing(r, registry);
  return onGraphChange(() => reportGraphParsing(r, registry));
}

/** Checkpoints hold the task state only: no workspace folder (or an untrusted one), or a snapshot failed. */
export function reportStateOnlyCheckpoints(registry: DegradationRegistry, reason: string): Degradation {
  return registry.use('checkpoint', 'state only', reason);
}

/** How a session's work was delivered: a pull request is full service; pushed only or a local branch is a step down. */
export function reportDelivery(
  registry: DegradationRegistry,
  outcome: { kind: 'pull-request' | 'pushed' | 'local-branch'; reason?: string },
): Degradation | undefined {
  if (outcome.kind === 'pull-request') {
    registry.restore('pullRequest');
    return undefined;
  }
  return registry.use(
    'pullRequest',
    outcome.kind === 'pushed' ? 'push only' : 'local branch',
    outcome.reason ?? 'the pull request could not be opened',
  );
}
