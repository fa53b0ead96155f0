// Every `continuum.*` setting in one table: its type, default and limits, read the same way by
// every host (VS Code's configuration, the CLI's `.vscode/settings.json`). A unit test checks the
// table against package.json's `contributes.configuration`, as the command table is checked.
// A value of the wrong type falls back to the default; a number is clamped to its limits. Pure.

/** Reads one setting by its key without the `continuum.` prefix; undefined when not set. */
export type SettingsSource = (key: string) => unknown;

interface Definition<T> {
  /** The JSON schema type package.json declares. */
  type: 'string' | 'integer' | 'boolean' | 'array' | 'object';
  default: T;
  minimum?: number;
  maximum?: number;
  read(raw: unknown): T;
}

function text(def: string): Definition<string> {
  return { type: 'string', default: def, read: raw => (typeof raw === 'string' ? raw : def) };
}

function flag(def: boolean): Definition<boolean> {
  return { type: 'boolean', default: def, read: raw => (typeof raw === 'boolean' ? raw : def) };
}

function integer(def: number, minimum: number, maximum?: number): Definition<number> {
  return {
    type: 'integer',
    default: def,
    minimum,
    ...(maximum === undefined ? {} : { maximum }),
    read(raw) {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return def;
      return Math.min(maximum ?? Number.MAX_SAFE_INTEGER, Math.max(minimum, Math.floor(raw)));
    },
  };
}

function textList(): Definition<string[]> {
  return {
    type: 'array',
    default: [],
    read: raw => (Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : []),
  };
}

/** continuum.guards.errorBudgetPerType: only the two known types, each at least 1. */
function perTypeBudget(): Definition<{ transient?: number; deterministic?: number }> {
  return {
    type: 'object',
    default: {},
    read(raw) {
      const out: { transient?: number; deterministic?: number } = {};
      if (!raw || typeof raw !== 'object') return out;
      for (const [type, n] of Object.entries(raw as Record<string, unknown>)) {
        if ((type === 'transient' || type === 'deterministic') && typeof n === 'number' && n >= 1)
          out[type] = Math.floor(n);
      }
      return out;
    },
  };
}

/** continuum.guards.rules: kept raw here; the rulebook's schema checks it and names its mistakes. */
function rawRules(): Definition<unknown[]> {
  return { type: 'array', default: [], read: raw => (Array.isArray(raw) ? raw : []) };
}

export const settingDefinitions = {
  storagePath: text(''),
  'graph.exclude': textList(),
  'executor.concurrency': integer(2, 1, 64),
  'executor.checkpointEvery': integer(5, 0),
  'checkpoints.keep': integer(50, 1),
  'agents.leaseMinutes': integer(10, 1, 1440),
  'guards.errorBudget': integer(10, 1, 1000),
  'guards.errorBudgetPerType': perTypeBudget(),
  'guards.rules': rawRules(),
  'git.autoPullRequest': flag(false),
  'git.remote': text('origin'),
  'git.baseBranch': text(''),
  'github.apiBaseUrl': text(''),
  'github.authenticationProvider': text(''),
  'lm.maxTurns': integer(50, 1, 10_000),
  'lm.maxTokens': integer(1_000_000, 1_000),
  'lm.maxMinutes': integer(30, 1, 24 * 60),
  'lm.vendor': text(''),
  'lm.family': text(''),
  'lm.checkpointBefore': flag(true),
} satisfies Record<string, Definition<unknown>>;

export type SettingKey = keyof typeof settingDefinitions;
export type SettingValue<K extends SettingKey> = ReturnType<(typeof settingDefinitions)[K]['read']>;

/** One setting, typed, with its default and limits applied. */
export function readSetting<K extends SettingKey>(source: SettingsSource, key: K): SettingValue<K> {
  return settingDefinitions[key].read(source(key)) as SettingValue<K>;
}

/** A source with nothing set: every setting at its default. */
export const defaultSettings: SettingsSource = () => undefined;
