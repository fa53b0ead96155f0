// The project context: what Continuum (and the agents working through it) understand about the
// project — analysis results, domain notes, completion state. Stored as JSON, one row per version.
import { z } from 'zod/v4';
import { explainIssues } from './validation';

/** A note body may hold at most this many bytes (UTF-8). */
export const maxNoteBytes = 1024 * 1024;
/** A whole context, serialized as JSON, may hold at most this many bytes. */
export const maxContextBytes = 16 * 1024 * 1024;

const encoder = new TextEncoder();
export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const text = z.string();
const name = z.string().trim().min(1, 'must not be empty');

export const featureSchema = z.strictObject({
  name,
  description: text.optional(),
  files: z.array(text).optional(),
});

export const gapSchema = z.strictObject({
  kind: name,
  description: text,
  file: text.optional(),
  line: z.number().int().min(1).optional(),
});

export const analysisSchema = z.strictObject({
  /** Codebase structure: packages, entry points, sizes. Any JSON. */
  structure: z.unknown().optional(),
  features: z.array(featureSchema),
  gaps: z.array(gapSchema),
});

export const noteSchema = z.strictObject({
  id: name,
  title: name,
  body: text.refine(body => body.length * 3 <= maxNoteBytes || byteLength(body) <= maxNoteBytes, {
    message: `is larger than ${formatBytes(maxNoteBytes)}, the most a note may hold; split it into several notes or keep the text in a file and link to it`,
  }),
  tags: z.array(text).optional(),
});

export const completionSchema = z.strictObject({
  summary: text.optional(),
  percent: z.number().min(0).max(100).optional(),
  milestones: z.array(z.strictObject({ title: name, done: z.boolean() })).optional(),
});

export const projectContextSchema = z.strictObject({
  analysis: analysisSchema,
  notes: z.array(noteSchema).superRefine((notes, ctx) => {
    const seen = new Set<string>();
    notes.forEach((note, i) => {
      if (seen.has(note.id))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'id'],
          message: `duplicate note id "${note.id}"; every note needs its own id`,
        });
      seen.add(note.id);
    });
  }),
  completion: completionSchema,
});

export type Feature = z.infer<typeof featureSchema>;
export type Gap = z.infer<typeof gapSchema>;
export type Analysis = z.infer<typeof analysisSchema>;
export type Note = z.infer<typeof noteSchema>;
export type Completion = z.infer<typeof completionSchema>;
export type ProjectContext = z.infer<typeof projectContextSchema>;

export function emptyContext(): ProjectContext {
  return { analysis: { features: [], gaps: [] }, notes: [], completion: {} };
}

/** One saved version of the context. Versions are never modified; each update adds one. */
export interface ContextVersion {
  version: number;
  createdAt: number;
  actor: string;
  summary: string;
  context: ProjectContext;
}

export type ContextVersionInfo = Omit<ContextVersion, 'context'>;

export const contextExportFormat = 'continuum.context';

/** What `export()` writes and `import()` reads. */
export interface ContextExport {
  format: typeof contextExportFormat;
  formatVersion: 1;
  exportedAt: number;
  /** The version that was exported; an import always saves a new version. */
  version?: number;
  context: ProjectContext;
}

const contextExportSchema = z.object({
  format: z.literal(contextExportFormat, {
    message: `is not "${contextExportFormat}": this is not a Continuum context export`,
  }),
  formatVersion: z.literal(1, {
    message: 'is not 1: this export was made by a newer Continuum; update Continuum and import it again',
  }),
  exportedAt: z.number().optional(),
  version: z.number().int().optional(),
  context: projectContextSchema,
});

export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

/** Checks a context against the schema and the size limit; returns it as plain JSON, or throws a ContextError naming the problem. */
export function validateContext(candidate: unknown, doing: string): ProjectContext {
  const parsed = projectContextSchema.safeParse(candidate);
  if (!parsed.success) throw new ContextError(`${doing}: ${explainIssues('context', parsed.error, candidate)}`);
  return checkSize(parsed.data, doing);
}

/** Reads an export (see `ContextExport`); throws a ContextError naming the first problems. */
export function parseContextExport(data: unknown, doing: string): ProjectContext {
  const parsed = contextExportSchema.safeParse(data);
  if (!parsed.success) throw new ContextError(`${doing}: ${explainIssues('', parsed.error, data)}`);
  return checkSize(parsed.data.context, doing);
}

function checkSize(context: ProjectContext, doing: string): ProjectContext {
  const json = JSON.stringify(context);
  const bytes = byteLength(json);
  if (bytes > maxContextBytes) {
    throw new ContextError(
      `${doing}: the context would be ${formatBytes(bytes)}, more than the ${formatBytes(maxContextBytes)} it may hold. Keep large analysis results (such as analysis.structure) in files and store a summary here.`,
    );
  }
  return JSON.parse(json) as ProjectContext;
}
