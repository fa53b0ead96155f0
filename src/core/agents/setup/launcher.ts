// The file agents' configurations name to start Continuum's CLI (Set Up Agents): a small script in
// the extension's global storage, which VS Code keeps across updates, unlike the extension's own
// folder (named by its version). It runs the CLI of the Continuum that wrote it, or — once an update
// has removed that one and before the new version has written the script again — the newest
// Continuum installed beside it.

export interface LauncherInputs {
  /** The absolute path of the writing extension's dist/cli.js. */
  cliPath: string;
  /** The folder the extension is installed in (its parent holds every installed version). */
  extensionsFolder: string;
  /** The extension's id, e.g. `continuum.continuum`: its folders are `<id>-<version>[-<platform>]`. */
  extensionId: string;
}

/** The launcher's file name in the global storage folder. */
export const launcherName = 'continuum-cli.js';

/** The launcher script: plain CommonJS for the `node` on the agent's PATH. */
export function launcherScript(inputs: LauncherInputs): string {
  return `#!/usr/bin/env node
// Continuum's command line, as agents' configurations name it (written by Continuum: Set Up Agents and
// at each start of the extension). It runs the installed Continuum's dist/cli.js, so the configurations
// outlive an update of the extension. Do not edit: it is written again.
'use strict';
const fs = require('fs');
const path = require('path');
const written = ${JSON.stringify(inputs.cliPath)};
const folder = ${JSON.stringify(inputs.extensionsFolder)};
const id = ${JSON.stringify(inputs.extensionId.toLowerCase())};

/** The newest installed version's dist/cli.js, or undefined. */
function newest() {
  let names = [];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return undefined;
  }
  const found = [];
  for (const name of names) {
    const m = /^(.+?)-(\\d+)\\.(\\d+)\\.(\\d+)(?:-.*)?$/.exec(name);
    if (!m || m[1].toLowerCase() !== id) continue;
    const cli = path.join(folder, name, 'dist', 'cli.js');
    if (fs.existsSync(cli)) found.push({ cli, version: [Number(m[2]), Number(m[3]), Number(m[4])] });
  }
  found.sort((a, b) => a.version[0] - b.version[0] || a.version[1] - b.version[1] || a.version[2] - b.version[2]);
  return found.length ? found[found.length - 1].cli : undefined;
}

const cli = fs.existsSync(written) ? written : newest();
if (!cli) {
  process.stderr.write(
    'Continuum is not installed in ' + folder + ' any more. Install it in VS Code again, then run Continuum: Set Up Agents.\\n',
  );
  process.exit(1);
}
require(cli);
`;
}
