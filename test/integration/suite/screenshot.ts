// Helpers that ask the outer runner (runner/run.mjs) for things only the browser side can do.
// Outside run.mjs (e.g. under @vscode/test-electron) they return undefined, so callers can skip.
import * as fs from 'fs';
import * as path from 'path';

async function waitForFile(file: string, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > end) {
      throw new Error(`runner did not write ${what} ${file}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

/** Screenshot the whole workbench now; resolves to the PNG path (under test-results/ by default). */
export async function screenshot(name: string, timeoutMs = 20000): Promise<string | undefined> {
  const dir = process.env.HARNESS_SHOT_DIR;
  if (!dir) {
    return undefined;
  }
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  console.log(`HARNESS_SCREENSHOT ${name}`);
  await waitForFile(file, timeoutMs, 'screenshot');
  return file;
}

export interface DomFacts {
  selector: string;
  count: number;
  items: { text: string; visible: boolean; ariaLabel: string | null }[];
  error?: string;
}

let queries = 0;
/** What the user sees: every element matching a Playwright selector in the workbench page, with text and visibility. */
export async function queryDom(selector: string, timeoutMs = 20000): Promise<DomFacts | undefined> {
  const dir = process.env.HARNESS_QUERY_DIR;
  if (!dir) {
    return undefined;
  }
  const name = `q${++queries}-${Date.now()}`;
  const file = path.join(dir, `${name}.json`);
  console.log(`HARNESS_QUERY ${name} ${selector}`);
  await waitForFile(file, timeoutMs, 'DOM query');
  const facts = JSON.parse(fs.readFileSync(file, 'utf8')) as DomFacts;
  if (facts.error) {
    throw new Error(`DOM query ${selector} failed: ${facts.error}`);
  }
  return facts;
}

/** Polls queryDom until at least one visible element matches (the workbench renders asynchronously). */
export async function waitForVisible(selector: string, timeoutMs = 15000): Promise<DomFacts | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const facts = await queryDom(selector);
    if (!facts || facts.items.some(i => i.visible) || Date.now() > end) {
      return facts;
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * Opens a second workbench window on the same folder (a separate extension host), waits until
 * `selector` is visible there and returns what it shows; the window is closed again afterwards.
 */
export async function inSecondWindow(
  name: string,
  selector: string,
  timeoutMs = 240000,
): Promise<DomFacts | undefined> {
  const dir = process.env.HARNESS_QUERY_DIR;
  if (!dir) {
    return undefined;
  }
  const file = path.join(dir, `${name}.json`);
  fs.rmSync(file, { force: true });
  console.log(`HARNESS_SECOND_WINDOW ${name} ${selector}`);
  await waitForFile(file, timeoutMs, 'second window');
  const facts = JSON.parse(fs.readFileSync(file, 'utf8')) as DomFacts;
  if (facts.error) {
    throw new Error(`second window: ${facts.error}`);
  }
  return facts;
}
