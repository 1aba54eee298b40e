import { describe, expect, it } from 'vitest';
import { attachmentHeader, csvField, toCsv } from './csv.js';

const textField = (value: string) => csvField({ value, text: true });

describe('CSV fields', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+31 20', "'+31 20"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "\"'\r=1\""],
  ])('guards text %j that a spreadsheet would run as a formula', (value, written) => {
    expect(textField(value)).toBe(written);
  });

  it('leaves the numbers the export wrote alone, negative ones too', () => {
    expect(csvField({ value: '-5', text: false })).toBe('-5');
    expect(csvField({ value: '0.25', text: false })).toBe('0.25');
  });

  it('quotes commas, quotes, line breaks and edge spaces, doubling quotes', () => {
    expect(textField('a,b')).toBe('"a,b"');
    expect(textField('say "hi"')).toBe('"say ""hi"""');
    expect(textField('two\nlines')).toBe('"two\nlines"');
    expect(textField(' padded ')).toBe('" padded "');
    expect(textField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(textField('plain')).toBe('plain');
    expect(textField('')).toBe('');
  });

  it('writes a byte order mark and CRLF line ends', () => {
    expect(toCsv([[{ value: '扫码', text: true }], [{ value: '1', text: false }]])).toBe('\uFEFF扫码\r\n1\r\n');
  });

  it('names a download with an ASCII filename and its UTF-8 form', () => {
    expect(attachmentHeader('a-b_1.csv')).toBe(`attachment; filename="a-b_1.csv"; filename*=UTF-8''a-b_1.csv`);
    expect(attachmentHeader('活动 "x".csv')).toBe(`attachment; filename="____x_.csv"; filename*=UTF-8''%E6%B4%BB%E5%8A%A8%20%22x%22.csv`);
  });
});
