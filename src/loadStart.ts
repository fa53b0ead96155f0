// Imported first by extension.ts, so it runs before any other module of the bundle: from here to
// the body of extension.ts is the time spent evaluating the bundle.
import { performance } from 'perf_hooks';

export const loadStartedAt = performance.now();
