import { randomUUID } from 'crypto';
import type { IdFactory } from './ports';

/** Ids like `task_3f2a9c1e7b4d`: a readable prefix and 48 random bits. */
export const randomIds: IdFactory = prefix => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** Predictable ids for tests and benchmarks: `task_1`, `task_2`, … */
export function sequentialIds(): IdFactory {
  let n = 0;
  return prefix => `${prefix}_${++n}`;
}
