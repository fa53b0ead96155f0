// What activate() hands to other extensions. The testing half answers Continuum's confirmations
// ("run these commands?"), so only the integration tests get it: any installed extension can read
// an extension's exports. Pure (no vscode): unit-tested.

/** How VS Code started the extension, in the words of `vscode.ExtensionMode`. */
export type ExtensionRunMode = 'production' | 'development' | 'test';

/** The public API, plus `testing` only when the extension runs under its integration tests. */
export function exportedApi<P extends object, T>(
  mode: ExtensionRunMode,
  api: P,
  testing: T,
): P | (P & { readonly testing: T }) {
  return mode === 'test' ? { ...api, testing } : api;
}
