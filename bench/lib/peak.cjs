// Preloaded (node --require) into the peer tools the graph benchmark runs: on exit, writes the
// process's peak resident memory (VmHWM, KB) to $PEAK_FILE.
const fs = require('fs');
process.on('exit', () => {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  if (m && process.env.PEAK_FILE) fs.writeFileSync(process.env.PEAK_FILE, m[1]);
});
