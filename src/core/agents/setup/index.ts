// Set Up Agents' pure half: merging Continuum's MCP server, instructions and hooks into agents' files.
export {
  agents,
  planSetup,
  serverName,
  type Agent,
  type AgentId,
  type ManualStep,
  type Places,
  type PlannedFile,
  type SetupPlan,
} from './agents';
export { blockEnd, blockStart, instructionsBlock, mergeInstructions } from './instructions';
export { hasJsonServer, mergeJsonServer } from './jsonConfig';
export { mergeCodexServer, codexServerTable } from './codexToml';
export { mergeClaudeHooks, continuumHooks } from './claudeHooks';
export { continuumLaunch, commandLine } from './launch';
export { SetupError, type MergeOutcome } from './outcome';
