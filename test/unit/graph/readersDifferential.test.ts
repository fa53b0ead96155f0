import * as assert from 'assert';
import { Extractor, findTodos } from '../../../src/core/graph/extract';
import { quickFacts } from '../../../src/core/graph/quickExtract';
import { generate } from './generatedCode';

// A differential test of the two readers on code they were not written against: files generated from
// statements in many styles (no semicolons as Biome and standard write them, decorators, JSX, overloads,
// `satisfies`, `accessor`, `using`, import types …), then mutated (semicolons dropped, statements joined
// or split over lines, quotes swapped, order shuffled). For every file the parser accepts, the token
// reader must give the same facts or hand the file to the parser.

const extractor = new Extractor();

describe('the token reader against the parser on generated code', () => {
  for (const tsx of [false, true]) {
    it(`agrees with the parser, or hands the file to it, on ${tsx ? '.tsx' : '.ts'} files in many styles`, () => {
      const file = tsx ? 'generated.tsx' : 'generated.ts';
      let parsedOk = 0;
      let readByTokens = 0;
      const files = 600;
      for (let seed = 1; seed <= files; seed++) {
        const { text } = generate(seed * (tsx ? 7919 : 1), tsx);
        const { facts, error } = extractor.extract(file, text);
        if (error) continue;
        parsedOk++;
        const quick = quickFacts(file, text, findTodos(text));
        if (!quick) continue;
        readByTokens++;
        assert.deepStrictEqual(
          JSON.parse(JSON.stringify(quick)),
          JSON.parse(JSON.stringify(facts)),
          `seed ${seed} (${file}):\n${text}`,
        );
      }
      if (process.env.GRAPH_DIFF_STATS) console.log(`${file}: parsed ${parsedOk}, read by tokens ${readByTokens}`);
      // the generator must write code the parser accepts, and the token reader must read a good part of it
      assert.ok(parsedOk >= files * 0.9, `the parser accepted ${parsedOk} of ${files} generated files`);
      assert.ok(readByTokens >= parsedOk * 0.2, `the token reader read ${readByTokens} of ${parsedOk} files`);
    });
  }
});
