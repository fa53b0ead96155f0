// The page of a report (Show Health, Known Errors, Performance Report): the report's markdown as
// HTML, Health's charts inline so the theme colours them, status icons as codicons. Pure (no
// vscode), so it has plain unit tests. markdown-it renders no HTML, no links and no images: every
// string from the store reaches the page as text (reports.ts escapes it as well). The page runs no
// script; its CSP allows only our stylesheet, the codicon font and one inline style by nonce.
import MarkdownIt from 'markdown-it';
import type { Chart } from '../../core/execution/guards/reports';

/** The icons a report may use, `$(name)` in its markdown, with what a screen reader says. */
const icons: Record<string, string> = { pass: 'ok', warning: 'needs attention', error: 'stopped', info: 'note' };

function renderer() {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.disable(['link', 'image', 'autolink', 'html_inline', 'html_block']);
  md.inline.ruler.before('escape', 'codicon', (state, silent) => {
    if (state.src.charCodeAt(state.pos) !== 0x24 /* $ */) return false;
    const m = /^\$\(([a-z-]+)\)/.exec(state.src.slice(state.pos));
    if (!m || !(m[1] in icons)) return false;
    if (!silent) state.push('codicon', 'span', 0).meta = { name: m[1] };
    state.pos += m[0].length;
    return true;
  });
  md.renderer.rules.codicon = (tokens, idx) => {
    const name = (tokens[idx].meta as { name: string }).name;
    return `<span class="codicon codicon-${name}" role="img" aria-label="${icons[name]}"></span>`;
  };
  return md;
}

/** The report's markdown as HTML: text stays text, `$(pass)` and friends become codicons. */
export function reportBodyHtml(markdown: string): string {
  return renderer().render(markdown);
}

export interface ReportPageParts {
  title: string;
  /** Markdown, without its title (reports.ts). */
  markdown: string;
  /** SVG charts (built from numbers and fixed labels only), shown inline above the text. */
  charts?: readonly Chart[];
  /** The webview's own source for the CSP (webview.cspSource). */
  cspSource: string;
  /** crypto.randomBytes, base64. */
  nonce: string;
  /** The stylesheet (media/reports.css) as a webview URI. */
  styleUri: string;
  /** VS Code's own codicon font as a webview URI, when it was found. */
  codiconFontUri?: string;
}

const attr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function reportPageHtml(p: ReportPageParts): string {
  const csp = `default-src 'none'; style-src ${p.cspSource} 'nonce-${p.nonce}'; font-src ${p.cspSource}; img-src ${p.cspSource}`;
  const font = p.codiconFontUri
    ? `@font-face { font-family: "codicon"; font-display: block; src: url("${attr(p.codiconFontUri)}") format("truetype"); }`
    : '';
  const charts = p.charts?.length
    ? `<section class="charts" aria-label="Trends">${p.charts.map(c => `<figure class="chart-box" role="img" aria-label="${attr(c.alt)}">${c.svg}</figure>`).join('')}</section>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<style nonce="${attr(p.nonce)}">${font}</style>
<title>${attr(p.title)}</title>
</head>
<body class="${p.codiconFontUri ? 'has-codicons' : ''}">
<h1>${attr(p.title)}</h1>
${charts}
<main>${reportBodyHtml(p.markdown)}</main>
</body>
</html>`;
}
