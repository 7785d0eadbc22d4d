import assert from 'node:assert/strict';
import { parse as dotenvParse } from 'dotenv';
import { parseEnvFile } from '../../src/core/envfile';

const values = (text: string, lookup: Record<string, string> = {}) =>
  Object.fromEntries(parseEnvFile(text, (name) => lookup[name]).assignments.map((a) => [a.key, a.value]));
const codes = (text: string) => parseEnvFile(text).problems.map((p) => `${p.line} ${p.severity} ${p.code}`);

describe('.env parsing', () => {
  it('agrees with dotenv on quoting, escapes, comments and = in values', () => {
    const text = [
      'PLAIN=hello world',
      'DOUBLE="double quoted"',
      "SINGLE='single $HOME not expanded'",
      'ESCAPED_NL="line1\\nline2"',
      'JSON_SINGLE=\'{"a": 1, "b": "x"}\'',
      'HASH_UNQUOTED=abc#123',
      'COMMENT_AFTER=value # trailing comment',
      'HASH_IN_QUOTES="a # not a comment"',
      'SPACES_KEPT="  padded  "',
      'EMPTY=',
      'URL=postgres://user:pa=ss@localhost:5432/db?sslmode=disable',
      'SPACED = around',
    ].join('\n');
    // One deliberate difference: dotenv 16 cuts unquoted values at any "#"; like bkeepers/dotenv and
    // python-dotenv we need whitespace before it, so a password like abc#123 survives.
    assert.deepEqual(values(text), { ...dotenvParse(text), HASH_UNQUOTED: 'abc#123' });
    assert.deepEqual(codes(text), []);
  });

  it('unescapes \\" \\\\ \\t \\$ inside double quotes', () => {
    assert.deepEqual(values('A="say \\"hi\\""\nB="back\\\\slash"\nC="tab\\there"\nD="cost \\$5"'), {
      A: 'say "hi"',
      B: 'back\\slash',
      C: 'tab\there',
      D: 'cost $5',
    });
  });

  it('drops an export prefix, only as a keyword', () => {
    assert.deepEqual(values('export A=1\nexport  B="two"\n\texport C=3\nexported_name=4'), { A: '1', B: 'two', C: '3', exported_name: '4' });
  });

  it('reads multi-line double and single quoted values without stray keys', () => {
    const text = 'BEFORE=first\nKEY="-----BEGIN-----\nbGluZTE=\n-----END-----"\nAFTER=last\nML=\'alpha\nbeta\'\n';
    assert.deepEqual(values(text), { BEFORE: 'first', KEY: '-----BEGIN-----\nbGluZTE=\n-----END-----', AFTER: 'last', ML: 'alpha\nbeta' });
    assert.deepEqual(parseEnvFile(text).assignments.map((a) => a.line), [1, 2, 5, 6]);
  });

  it('reports an unterminated quote on its line, without losing later keys', () => {
    const parsed = parseEnvFile('A=1\nB="never closed\nC=3\n');
    assert.deepEqual(parsed.problems.map((p) => [p.line, p.code, p.severity]), [[2, 'env-unterminated-quote', 'error']]);
    assert.deepEqual(Object.fromEntries(parsed.assignments.map((a) => [a.key, a.value])), { A: '1', C: '3' });
  });

  it('expands ${VAR} and $VAR from earlier keys, then the lookup, never in single quotes', () => {
    const text = 'ROOT=/srv/app\nLOG=${ROOT}/log\nFILE=$LOG/app.log\nHI="hello ${USER_X}"\nLIT=\'${ROOT}\'\nDEF=${MISSING:-fallback}\nUNSET=[$MISSING]';
    assert.deepEqual(values(text, { USER_X: 'tester', ROOT: 'ignored' }), {
      ROOT: '/srv/app',
      LOG: '/srv/app/log',
      FILE: '/srv/app/log/app.log',
      HI: 'hello tester',
      LIT: '${ROOT}',
      DEF: 'fallback',
      UNSET: '[]',
    });
  });

  it('never runs command substitution: $(…) and backticks stay literal, with a warning', () => {
    const text = 'A=$(touch /tmp/should-not-exist)\nB=`id`\nC="$(id)"';
    assert.deepEqual(values(text), { A: '$(touch /tmp/should-not-exist)', B: 'id', C: '$(id)' });
    assert.deepEqual(codes(text), ['1 warning env-command-substitution', '2 warning env-command-substitution', '3 warning env-command-substitution']);
  });

  it('reports lines that are not KEY=value, and bad names, with line numbers', () => {
    assert.deepEqual(codes('GOOD=1\njust words\n1BAD=x\nexport ONLY\nBAD KEY=1\nQ="x" trailing'), [
      '2 error env-invalid-line',
      '3 error env-invalid-key',
      '4 warning env-bare-export',
      '5 error env-invalid-key',
      '6 warning env-trailing-text',
    ]);
  });

  it('handles CRLF, a BOM and invalid UTF-8', () => {
    assert.deepEqual(values('\ufeffA=1\r\nB="two words"\r\nC=\'it is\'\r\n'), { A: '1', B: 'two words', C: 'it is' });
    assert.deepEqual(codes(Buffer.from([0x41, 0x3d, 0xff]) as unknown as string), ['1 error env-not-utf8']);
  });

  it('warns about names with . or - (sh would drop them) and does not set them', () => {
    const parsed = parseEnvFile('GOOD_KEY=1\nGOOD-KEY=2\nspring.url=3\n');
    assert.deepEqual(Object.fromEntries(parsed.assignments.map((a) => [a.key, a.value])), { GOOD_KEY: '1' });
    assert.deepEqual(parsed.problems.map((p) => `${p.line} ${p.severity} ${p.code}`), ['2 warning env-unusable-key', '3 warning env-unusable-key']);
  });

  it('later assignments of a key win', () => {
    assert.deepEqual(values('A=1\nA=2'), { A: '2' });
  });
});
