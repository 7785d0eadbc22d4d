import assert from 'node:assert/strict';
import { LineSplitter } from '../../src/core/lineSplitter';

function collect(options = {}) {
  const got: { lines: string[]; partial: boolean }[] = [];
  const splitter = new LineSplitter((lines, partial) => got.push({ lines, partial }), options);
  const all = () => got.flatMap((g) => g.lines);
  return { splitter, got, all };
}

describe('output line framing', () => {
  it('re-assembles lines split across chunks and keeps blank and indented lines', () => {
    const { splitter, all } = collect();
    for (const chunk of ['line one\n\nli', 'ne three\n   four\nfin', 'al']) splitter.push(Buffer.from(chunk));
    splitter.end();
    assert.deepEqual(all(), ['line one', '', 'line three', '   four', 'final']);
  });

  it('keeps a 200,000-character line as one line whatever the chunking', () => {
    const { splitter, all } = collect();
    const line = 'a'.repeat(199_997) + 'END';
    const bytes = Buffer.from(line + '\nafter\n');
    for (let i = 0; i < bytes.length; i += 65_536) splitter.push(bytes.subarray(i, i + 65_536));
    splitter.end();
    assert.deepEqual(all(), [line, 'after']);
  });

  it('does not break a multi-byte character split between chunks, and survives invalid UTF-8', () => {
    const { splitter, all } = collect();
    const bytes = Buffer.from('héllo ✓\n');
    splitter.push(bytes.subarray(0, 2));
    splitter.push(bytes.subarray(2));
    splitter.push(Buffer.from([0xff, 0xfe, 0x0a, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a]));
    splitter.end();
    assert.deepEqual(all(), ['héllo ✓', '\ufffd\ufffd', '\u001b[31m']);
  });

  it('drops one \\r before \\n', () => {
    const { splitter, all } = collect();
    splitter.push(Buffer.from('a\r\nb\r\r\n'));
    assert.deepEqual(all(), ['a', 'b\r']);
  });

  it('shows a prompt without a newline after the delay, marked partial', async () => {
    const { splitter, got } = collect({ partialDelayMs: 20 });
    splitter.push(Buffer.from('Password: '));
    assert.deepEqual(got, []);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(got, [{ lines: ['Password: '], partial: true }]);
    splitter.push(Buffer.from('(no input)\n'));
    assert.deepEqual(got[1], { lines: ['(no input)'], partial: false });
  });

  it('cuts a line longer than the cap instead of growing without bound', () => {
    const { splitter, got } = collect({ maxLineBytes: 1000 });
    for (let i = 0; i < 5; i++) splitter.push(Buffer.alloc(400, 0x61));
    splitter.end();
    assert.deepEqual(got.map((g) => [g.lines[0].length, g.partial]), [[1200, true], [800, true]]);
  });
});
