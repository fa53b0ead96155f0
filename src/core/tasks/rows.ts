// Mapping between task rows in the store and Task objects.
import type { SqlValue } from '../store/types';
import { priorities, type Phase, type Priority, type Task, type TaskAction, type TaskStatus } from './model';

export interface TaskRow {
  id: string;
  key: string | null;
  seq: number;
  title: string;
  description: string;
  status: string;
  priority: number;
  progress: number;
  attempts: number;
  max_attempts: number;
  deadline: number | null;
  capabilities: string;
  action: string | null;
  result: string | null;
  error: string | null;
  phase_id: string | null;
  parent_id: string | null;
  number: string | null;
  estimate: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  completed_at: number | null;
}

export const taskColumns =
  'id, key, seq, title, description, status, priority, progress, attempts, max_attempts, deadline, capabilities, action, result, error, phase_id, parent_id, number, estimate, created_at, updated_at, started_at, completed_at';

export function priorityRank(p: Priority): number {
  return priorities.indexOf(p);
}

export function toTask(row: TaskRow, dependsOn: string[]): Task {
  return {
    id: row.id,
    key: row.key ?? undefined,
    title: row.title,
    description: row.description,
    status: row.status as TaskStatus,
    priority: priorities[row.priority] ?? 'normal',
    progress: row.progress,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    deadline: row.deadline ?? undefined,
    capabilities: JSON.parse(row.capabilities) as string[],
    action: row.action ? (JSON.parse(row.action) as TaskAction) : undefined,
    result: row.result ?? undefined,
    error: row.error ?? undefined,
    phaseId: row.phase_id ?? undefined,
    parentId: row.parent_id ?? undefined,
    number: row.number ?? undefined,
    ...(row.estimate ? { estimate: row.estimate } : {}),
    dependsOn,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at ?? undefined,
    completedAt: row.completed_at ?? undefined,
  };
}

export interface PhaseRow {
  id: string;
  key: string | null;
  title: string;
  number: string | null;
  position: number;
  source: string | null;
  parent_id: string | null;
  priority: number | null;
  details: string | null;
}

export const phaseColumns = 'id, key, title, number, position, source, parent_id, priority, details';

/** What a phase keeps from its heading besides its title, stored as JSON in phases.details. */
export interface PhaseDetails {
  estimate?: string;
  status?: Phase['status'];
  notes?: string[];
  dependsOn?: string[];
}

export function toPhase(row: PhaseRow): Phase {
  const details = parseDetails(row.details);
  const phase: Phase = {
    id: row.id,
    key: row.key ?? undefined,
    title: row.title,
    number: row.number ?? undefined,
    position: row.position,
    source: row.source ?? undefined,
    notes: details.notes ?? [],
    dependsOnKeys: details.dependsOn ?? [],
  };
  if (row.parent_id) phase.parentId = row.parent_id;
  if (row.priority !== null && priorities[row.priority]) phase.priority = priorities[row.priority];
  if (details.estimate) phase.estimate = details.estimate;
  if (details.status) phase.status = details.status;
  return phase;
}

function parseDetails(text: string | null): PhaseDetails {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as PhaseDetails) : {};
  } catch {
    return {}; // a hand-edited row: the phase still shows, without its details
  }
}

export function orNull<T extends SqlValue>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
