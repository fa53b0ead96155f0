// Continuum: Choose Model… — a quick pick of every chat model VS Code has; the choice is written to
// continuum.lm.vendor and continuum.lm.family (where they are set now, else the user's settings),
// and lm tasks use it from their next request.
import * as vscode from 'vscode';
import type { Handler } from '../commands/context';
import type { PickItem } from '../prompts';
import { modelLabel, noModelReason } from './chatMapping';
import { chooseModelCommand } from './lmText';
import { writeSetting } from '../settings';

type Choice = { vendor: string; family: string } | 'any';

const chooseModel: Handler = async ctx => {
  const models = ctx.runtime.models;
  const all = await vscode.lm.selectChatModels({});
  if (!all.length) {
    const off = vscode.workspace.getConfiguration('chat').get<boolean>('disableAIFeatures') === true;
    void ctx.prompts().notify('warning', `Continuum: ${noModelReason({}, false, off)}`);
    return undefined;
  }
  const current = models.current?.chat;
  const sorted = [...all].sort(
    (a, b) => a.vendor.localeCompare(b.vendor) || a.family.localeCompare(b.family) || a.name.localeCompare(b.name),
  );
  const items: Array<PickItem<Choice>> = [
    {
      label: 'Any model',
      description: 'continuum.lm.vendor and continuum.lm.family empty',
      detail: current ? `now: ${modelLabel(current)}` : undefined,
      value: 'any',
    },
    ...sorted.map(m => ({
      label: m.name,
      description: `${m.vendor}/${m.family}`,
      detail: `${m.maxInputTokens.toLocaleString('en')} input tokens${current && current.id === m.id && current.vendor === m.vendor ? ' · used now' : ''}`,
      value: { vendor: m.vendor, family: m.family },
      ...(current && current.id === m.id && current.vendor === m.vendor ? { active: true } : {}),
    })),
  ];
  const picked = await ctx.prompts().pick(items, {
    title: 'Continuum: Choose Model',
    placeHolder: 'The language model that does lm tasks',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  const chosen = picked === 'any' ? { vendor: '', family: '' } : picked;
  await writeSetting('lm.vendor', chosen.vendor || undefined);
  await writeSetting('lm.family', chosen.family || undefined);
  await models.refresh();
  const now = models.current;
  void ctx
    .prompts()
    .notify(
      now ? 'info' : 'warning',
      now ? `Continuum: lm tasks use ${now.name}.` : `Continuum: ${models.reason ?? 'no language model is available'}.`,
    );
  return now ? { vendor: now.chat.vendor, family: now.chat.family, id: now.chat.id } : undefined;
};

export const lmCommands: Record<string, Handler> = {
  [chooseModelCommand.id]: chooseModel,
};
