// The decision rulebook: what to do with a failure. Ordered rules match on the error's signature, a
// regular expression over its message, its class, or the action kind, and say: retry (with a
// policy), skip the task, fail it, pause the session, ask a person, or run a fix command and then
// retry. The user's rules (.continuum/rules.json) come first, the built-in defaults last. Pure, and
// free of zod so it can load with the executor at activation (the file's schema: rulesSchema.ts).
import type { ActionKind } from '../../tasks/model';

export type ErrorClass =
  'transient' | 'deterministic' | 'lock' | 'missing-module' | 'failing-test' | 'out-of-memory' | 'out-of-disk';

export const errorClasses: readonly ErrorClass[] = [
  'transient',
  'deterministic',
  'lock',
  'missing-module',
  'failing-test',
  'out-of-memory',
  'out-of-disk',
];

/** What a rule matches; every field given must match. (The file's schema is in rulesSchema.ts.) */
export interface RuleMatch {
  signature?: string;
  regex?: string;
  errorClass?: ErrorClass;
  actionKind?: ActionKind;
}

export type RuleAction =
  | { do: 'retry'; attempts?: number; delayMs?: number }
  | { do: 'skip' }
  | { do: 'fail' }
  | { do: 'pause' }
  | { do: 'ask' }
  | { do: 'fix'; command: string; args?: string[]; ask?: boolean };

export interface Rule {
  name?: string;
  match: RuleMatch;
  then: RuleAction;
}

export interface FailureToDecide {
  message: string;
  signature: string;
  errorClass: ErrorClass;
  actionKind: string;
}

export interface Decision {
  action: RuleAction;
  /** The rule that decided, by name or position ("rule 2 of rules.json", "built-in: lock contention"). */
  rule: string;
  /** For a fix: the command to run, with what the failure filled in. */
  command?: { command: string; args: string[] };
}

/** The failure's class, sharper than transient/deterministic where the message says more. */
export function errorClassOf(message: string, base: 'transient' | 'deterministic'): ErrorClass {
  if (/\bENOSPC\b|no space left on device|disk (?:is )?full|quota exceeded/i.test(message)) return 'out-of-disk';
  if (/\bENOMEM\b|out of memory|heap out of memory|allocation failed|cannot allocate memory/i.test(message))
    return 'out-of-memory';
  if (/cannot find module|module not found|no module named|cannot find package/i.test(message)) return 'missing-module';
  if (/\block(?:ed|file)?\b.*\b(?:exists|held|busy)\b|database is locked|\.lock\b|EBUSY|resource busy/i.test(message))
    return 'lock';
  if (/\b\d+ (?:failing|failed)\b|\btests? failed\b|\bAssertionError\b|\bFAIL\b/.test(message)) return 'failing-test';
  return base;
}

export const builtInRules: ReadonlyArray<Rule & { name: string }> = [
  {
    name: 'built-in: lock contention',
    match: { errorClass: 'lock' },
    then: { do: 'retry', attempts: 5, delayMs: 2_000 },
  },
  {
    name: 'built-in: missing module',
    match: { errorClass: 'missing-module' },
    then: { do: 'fix', command: 'npm', args: ['install', '${module}'], ask: true },
  },
  { name: 'built-in: failing test', match: { errorClass: 'failing-test' }, then: { do: 'fail' } },
  { name: 'built-in: out of memory', match: { errorClass: 'out-of-memory' }, then: { do: 'pause' } },
  { name: 'built-in: out of disk', match: { errorClass: 'out-of-disk' }, then: { do: 'pause' } },
];

/** The first rule that matches, user rules first; undefined when none does (the executor's own retry policy applies). */
export function decide(userRules: readonly Rule[], failure: FailureToDecide): Decision | undefined {
  const all: Array<[Rule, string]> = [
    ...userRules.map((r, i): [Rule, string] => [r, r.name ?? `rule ${i + 1} of rules.json`]),
    ...builtInRules.map((r): [Rule, string] => [r, r.name]),
  ];
  for (const [rule, name] of all) {
    if (!matches(rule, failure)) continue;
    if (rule.then.do !== 'fix') return { action: rule.then, rule: name };
    const command = fillCommand(rule.then.command, rule.then.args ?? [], failure.message);
    if (!command) continue; // e.g. no module name could be read from the message: let the next rule decide
    return { action: rule.then, rule: name, command };
  }
  return undefined;
}

function matches(rule: Rule, f: FailureToDecide): boolean {
  const m = rule.match;
  if (m.signature !== undefined && m.signature !== f.signature) return false;
  if (m.errorClass !== undefined && m.errorClass !== f.errorClass) return false;
  if (m.actionKind !== undefined && m.actionKind !== f.actionKind) return false;
  if (m.regex !== undefined && !safeRegex(m.regex).test(f.message)) return false;
  return true;
}

/**
 * Fills `${module}` from the message. The value goes in as one argument (never through a shell) and
 * must look like a package name, so a crafted error message cannot smuggle in options or commands.
 */
export function fillCommand(
  command: string,
  args: readonly string[],
  message: string,
): { command: string; args: string[] } | undefined {
  const needsModule = args.some(a => a.includes('${module}'));
  let module: string | undefined;
  if (needsModule) {
    module = missingModuleName(message);
    if (!module) return undefined;
  }
  return { command, args: args.map(a => (module ? a.split('${module}').join(module) : a)) };
}

/** The package a "Cannot find module 'x'" message names, when it is an installable package name (not a relative path). */
export function missingModuleName(message: string): string | undefined {
  const m = /(?:cannot find (?:module|package)|module not found: (?:error: )?can't resolve)\s+['"]([^'"]+)['"]/i.exec(
    message,
  );
  if (!m) return undefined;
  const spec = m[1];
  const name = /^(@[a-z0-9][\w.-]*\/[a-z0-9][\w.-]*|[a-z0-9][\w.-]*)/i.exec(spec)?.[1];
  if (!name || name.startsWith('.') || name.startsWith('-')) return undefined;
  return name;
}

const regexCache = new Map<string, RegExp>();
function safeRegex(source: string): RegExp {
  let r = regexCache.get(source);
  if (!r) {
    r = new RegExp(source, 'i');
    regexCache.set(source, r);
  }
  return r;
}

/** What a decision means, for the task's log: "retry up to 5 times (built-in: lock contention)". */
export function describeDecision(d: Decision): string {
  const a = d.action;
  const what =
    a.do === 'retry'
      ? `retry${a.attempts ? ` up to ${a.attempts} times` : ''}`
      : a.do === 'fix'
        ? `run '${[d.command?.command ?? a.command, ...(d.command?.args ?? a.args ?? [])].join(' ')}'${a.ask ? ' (asking first)' : ''}, then retry`
        : a.do;
  return `${what} (${d.rule})`;
}
