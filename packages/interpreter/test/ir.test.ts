// The dispatch switch in exec.ts must use dense integer-literal case labels (V8's interpreter
// compiles only those to a jump table: spec/interpreter-notes.md §0.3), written as the numbers of
// ir.ts with the name in a comment. These tests keep the two files in agreement and check that the
// emitted JavaScript kept every label literal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ir, IR_COUNT, IR_NAMES, IR_OPERANDS } from '../src/ir.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const source = readFileSync(new URL('../../src/exec.ts', import.meta.url), 'utf8');
const emitted = readFileSync(new URL('../src/exec.js', import.meta.url), 'utf8');

function dispatchCases(text: string): string[] {
  const start = text.indexOf('switch (code[pc])');
  assert.ok(start > 0, `no dispatch switch found (${here})`);
  return [...text.slice(start).matchAll(/^\s*case ([^:]+):/gm)].map((m) => m[1].trim());
}

test('ir: numbers are dense from 0 and every op has a name and an operand count (but br_table)', () => {
  const values = Object.values(Ir).sort((a, b) => a - b);
  assert.deepEqual(values, Array.from({ length: IR_COUNT }, (_, i) => i));
  for (let i = 0; i < IR_COUNT; i++) {
    assert.equal(typeof IR_NAMES[i], 'string');
    if (i !== Ir.br_table) assert.equal(typeof IR_OPERANDS[i], 'number', `operand count of ${IR_NAMES[i]}`);
  }
});

test('exec.ts: every case label is a literal number whose comment names the ir.ts op of that number', () => {
  const start = source.indexOf('switch (code[pc])');
  const labels = [...source.slice(start).matchAll(/^\s*case (\d+): (?:\{ )?\/\/ (\w+)$/gm)];
  const all = dispatchCases(source);
  assert.equal(labels.length, all.length, 'some case label is not of the form `case N: // name`');
  const seen = new Set<number>();
  for (const [, n, name] of labels) {
    assert.equal(Ir[name as keyof typeof Ir], Number(n), `case ${n} is commented ${name}, which is ${Ir[name as keyof typeof Ir]} in ir.ts`);
    assert.ok(!seen.has(Number(n)), `case ${n} twice`);
    seen.add(Number(n));
  }
  assert.equal(seen.size, IR_COUNT, `the switch handles ${seen.size} of ${IR_COUNT} ops`);
  // Other uses of op numbers in the loop carry the name in a comment too.
  for (const m of source.matchAll(/(\d+) \/\* (\w+) \*\//g)) {
    assert.equal(Ir[m[2] as keyof typeof Ir], Number(m[1]), `${m[1]} is commented ${m[2]}`);
  }
});

test('exec.js: the emitted dispatch switch kept integer-literal labels', () => {
  const cases = dispatchCases(emitted);
  assert.equal(cases.length, IR_COUNT);
  for (const c of cases) assert.match(c, /^\d+$/, `emitted label "${c}" is not an integer literal`);
});
