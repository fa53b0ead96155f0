// .continuum/rules.json: the user's rules, or every problem in the file with where it is (offset
// and length in the text), so the editor can underline it. Pure.
// the ESM build: the UMD one requires its parts at run time, which a bundle cannot follow
import {
  findNodeAtLocation,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser/lib/esm/main.js';
import type { Rule } from './rulebook';
import { parseRulesFile } from './rulesSchema';

export interface LocatedProblem {
  message: string;
  offset: number;
  length: number;
}

export const rulesFilePath = '.continuum/rules.json';

export function readRulesFile(text: string): { rules: Rule[] } | { problems: LocatedProblem[] } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length || !tree) {
    const problems = errors.map(e => ({
      message: `rules.json is not valid JSON here (${printParseErrorCode(e.error)}). Fix it; the previous rules stay in force until then.`,
      offset: e.offset,
      length: Math.max(1, e.length),
    }));
    return {
      problems: problems.length
        ? problems
        : [{ message: 'rules.json is empty. Write { "rules": [] } or delete the file.', offset: 0, length: 0 }],
    };
  }
  const parsed = parseRulesFile(text);
  if ('rules' in parsed) return parsed;
  return {
    problems: parsed.problems.map(p => {
      // the deepest part of the path that exists in the file: a missing key is reported on its parent
      let node: Node | undefined;
      for (let depth = p.path.length; depth >= 0 && !node; depth--)
        node = findNodeAtLocation(tree, p.path.slice(0, depth));
      const where = p.path.length ? ` (at ${p.path.join('.')})` : '';
      return {
        message: `${p.message}${where}. The previous rules stay in force until this is fixed.`,
        offset: node?.offset ?? 0,
        length: node?.length ?? 1,
      };
    }),
  };
}
