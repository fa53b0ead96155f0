// Each task's output, appended to its own log through the host's TaskLogPort, in order, up to a
// size cap; past the cap one line says what was left out. Writing never blocks the task.
import type { Logger } from '../ports';
import type { TaskLogPort } from './ports';

export const defaultLogCapBytes = 1024 * 1024;

export class TaskLogs {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly written = new Map<string, number>();
  private readonly truncated = new Set<string>();
  /** Per task, text appended and not yet handed to the port (see append). */
  private readonly waiting = new Map<string, string[]>();

  constructor(
    private readonly port: TaskLogPort,
    private readonly logger: Logger,
    private readonly capBytes = defaultLogCapBytes,
  ) {}

  append(taskId: string, text: string): void {
    // Text appended while an earlier append waits for the disk is gathered and written as one: a task
    // logs a few lines around each step, and each write is a round trip to the disk.
    const gathering = this.waiting.get(taskId);
    if (gathering) {
      gathering.push(text);
      return;
    }
    const texts = [text];
    this.waiting.set(taskId, texts);
    const previous = this.chains.get(taskId) ?? Promise.resolve();
    const next = previous
      .then(() => {
        this.waiting.delete(taskId);
        return this.write(taskId, texts.join(''));
      })
      .catch((err: unknown) => {
        this.logger.warn(
          `Continuum could not write the log of task ${taskId} (${err instanceof Error ? err.message : String(err)}); its output is not kept.`,
        );
      });
    this.chains.set(taskId, next);
  }

  /** Resolves once everything appended so far is written. */
  async flush(taskId: string): Promise<void> {
    const chain = this.chains.get(taskId);
    await chain;
    if (this.chains.get(taskId) === chain) this.chains.delete(taskId);
  }

  /** Resolves once every log is written. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.chains.keys()].map(id => this.flush(id)));
  }

  read(taskId: string): Promise<string> {
    return this.port.read(taskId);
  }

  location(taskId: string): string {
    return this.port.location(taskId);
  }

  private async write(taskId: string, text: string): Promise<void> {
    let size = this.written.get(taskId);
    if (size === undefined) size = await this.port.size(taskId);
    const note = `\n[Continuum: this log reached its limit of ${Math.round(this.capBytes / 1024)} KB; later output is not kept]\n`;
    if (size >= this.capBytes) {
      if (!this.truncated.has(taskId)) {
        this.truncated.add(taskId);
        await this.port.append(taskId, note);
      }
      this.written.set(taskId, size);
      return;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    const room = this.capBytes - size;
    if (bytes <= room) {
      await this.port.append(taskId, text);
      this.written.set(taskId, size + bytes);
      return;
    }
    // what fits, then at once the line that says the rest was left out
    this.truncated.add(taskId);
    await this.port.append(taskId, Buffer.from(text, 'utf8').subarray(0, room).toString('utf8') + note);
    this.written.set(taskId, this.capBytes);
  }
}
