// A terminal's output as plain text for a task's log: escape sequences (colours, cursor moves, the
// shell-integration marks VS Code puts around a command) taken out, line ends as \n. Pure.

// OSC … BEL/ST, CSI … final byte, DCS/SOS/PM/APC … ST, then any other two-byte escape
// eslint-disable-next-line no-control-regex
const escapes = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[ -/]*[0-~]/g;

export function plainTerminalText(data: string): string {
  return data.replace(escapes, '').replace(/\r\n?/g, '\n');
}
