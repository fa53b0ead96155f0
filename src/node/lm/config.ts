// Which model the CLI's `lm` tasks use, from environment variables (and flags that name the same
// things). The key is read from an environment variable only — never a flag, which would show in
// the process list and the shell's history — and it goes nowhere but the request's header.
import type { ModelPort } from '../../core/lm/model';
import { anthropicModel } from './anthropic';
import { openAiModel } from './openai';

export interface LmChoice {
  provider?: string;
  model?: string;
  baseUrl?: string;
  /** The environment variable holding the key (default CONTINUUM_LM_API_KEY, then OPENAI_API_KEY or ANTHROPIC_API_KEY). */
  keyEnv?: string;
}

export const howToConfigure =
  "lm tasks need a language model: set CONTINUUM_LM_PROVIDER to 'openai' (any OpenAI-compatible server: OpenAI, Ollama, LM Studio, vLLM) or 'anthropic', " +
  'CONTINUUM_LM_MODEL to the model, CONTINUUM_LM_API_KEY to its key, and for a local server CONTINUUM_LM_BASE_URL ' +
  "(Ollama: http://localhost:11434/v1); or give --lm-provider, --lm-model and --lm-base-url. Then 'continuum resume'.";

export type LmConfig = { model: ModelPort } | { missing: string } | { problem: string };

/** The model the environment (and flags, which win) choose; `missing` when none is chosen. Pure but for `env`. */
export function modelFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  flags: LmChoice = {},
): LmConfig {
  const provider = (flags.provider ?? env.CONTINUUM_LM_PROVIDER)?.trim().toLowerCase();
  if (!provider) return { missing: howToConfigure };
  const model = (flags.model ?? env.CONTINUUM_LM_MODEL)?.trim();
  const baseUrl = (flags.baseUrl ?? env.CONTINUUM_LM_BASE_URL)?.trim();
  const keyEnv = flags.keyEnv ?? env.CONTINUUM_LM_API_KEY_ENV;
  if (provider !== 'openai' && provider !== 'anthropic')
    return {
      problem: `CONTINUUM_LM_PROVIDER is '${provider}'; it can be 'openai' (any OpenAI-compatible server) or 'anthropic'.`,
    };
  if (!model) return { problem: `Say which ${provider} model lm tasks use: set CONTINUUM_LM_MODEL (or --lm-model).` };
  if (baseUrl) {
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    } catch {
      return { problem: `CONTINUUM_LM_BASE_URL '${baseUrl}' is not an http(s) URL.` };
    }
  }
  const apiKey =
    (keyEnv ? env[keyEnv] : undefined) ??
    env.CONTINUUM_LM_API_KEY ??
    (provider === 'openai' ? env.OPENAI_API_KEY : env.ANTHROPIC_API_KEY);
  if (keyEnv && !env[keyEnv]) return { problem: `The environment variable ${keyEnv} (named for the key) is not set.` };
  if (provider === 'openai') {
    const url = baseUrl ?? 'https://api.openai.com/v1';
    if (!apiKey && new URL(url).hostname === 'api.openai.com')
      return { problem: 'OpenAI needs an API key: set CONTINUUM_LM_API_KEY (or OPENAI_API_KEY).' };
    return { model: openAiModel({ baseUrl: url, model, ...(apiKey ? { apiKey } : {}) }) };
  }
  const url = baseUrl ?? 'https://api.anthropic.com';
  if (!apiKey && new URL(url).hostname === 'api.anthropic.com')
    return { problem: 'Anthropic needs an API key: set CONTINUUM_LM_API_KEY (or ANTHROPIC_API_KEY).' };
  return { model: anthropicModel({ baseUrl: url, model, ...(apiKey ? { apiKey } : {}) }) };
}
