import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../core/paths.js';

/**
 * k6 up to 0.51 compiles scripts with its own Babel, which stops at ES2017 syntax: object spread,
 * `?.`, `??` and `catch {` are syntax errors there although Node and tsc accept them. The suites
 * must run unchanged on k6 ≥ 0.48, so this finds them before a load tester does.
 */
function newerSyntax(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const at = (node: ts.Node) => `${path.basename(file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isSpreadAssignment(node)) found.push(`${at(node)} object spread`);
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken) found.push(`${at(node)} ?.`);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) found.push(`${at(node)} ??`);
    if (ts.isCatchClause(node) && node.variableDeclaration === undefined) found.push(`${at(node)} catch without a binding`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const dir = repoPath('loadtest/k6');
const scripts = [...readdirSync(dir).map((f) => path.join(dir, f)), ...readdirSync(path.join(dir, 'lib')).map((f) => path.join(dir, 'lib', f))].filter((f) => f.endsWith('.js'));

describe('k6 scripts', () => {
  it('use only the syntax k6 0.48 parses', () => {
    expect(scripts.length).toBeGreaterThan(10);
    expect(scripts.flatMap((file) => newerSyntax(file))).toEqual([]);
  });

  it('finds the syntax it looks for', () => {
    const sample = ['const a = { ...b, c: [...d] };', 'e?.f;', 'g?.[0];', 'h?.();', 'i ?? j;', 'try { k(); } catch { }', 'try { k(); } catch (err) { }'].join('\n');
    expect(newerSyntax('sample.js', sample)).toEqual(['sample.js:1 object spread', 'sample.js:2 ?.', 'sample.js:3 ?.', 'sample.js:4 ?.', 'sample.js:5 ??', 'sample.js:6 catch without a binding']);
  });
});
