import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvText } from './csv';

const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const parseCells = (text: string, delimiter = ','): string[][] =>
  parse(text, { delimiter, relax_column_count: true }) as string[][];

describe('CSV cells', () => {
  it('quotes every field, round-trips through a standard parser, and never starts with a formula trigger', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const cell = csvCell(value);
        expect(cell.startsWith('"') && cell.endsWith('"')).toBe(true);
        const [[read]] = parseCells(`${cell}\r\n`) as [[string]];
        expect([value, `'${value}`]).toContain(read);
        expect(read).not.toMatch(FORMULA_TRIGGER);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps every row whole, with nothing but commas and line ends outside quotes for another delimiter to split on', () => {
    const field = fc.oneof(fc.string(), fc.constantFrom('=1+2', 'a;b', '-x', '@SUM(A1)', '\t=1', 'x"y', '\r\n'));
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(rows, (table) => {
        const text = csvText(table);
        expect(parseCells(text)).toEqual(table.map((row) => row.map((v) => parseCells(csvCell(v))[0]![0])));
        expect(text.replace(/"(?:[^"]|"")*"/g, '')).toMatch(/^[,\r\n]*$/);
      }),
    );
  });

  it('writes `Bob;=1+2;` as one quoted text cell', () => {
    expect(csvCell('Bob;=1+2;')).toBe('"Bob;=1+2;"');
    expect(parseCells(csvText([['Bob;=1+2;']]), ';')).toEqual([['Bob;=1+2;']]);
  });

  it('defuses formulas, full-width and blank-led ones too, and keeps a phone number as text', () => {
    expect(csvCell('=HYPERLINK("evil")')).toBe(`"'=HYPERLINK(""evil"")"`);
    expect(csvCell('+14155550123')).toBe(`"'+14155550123"`);
    expect(csvCell('\uFF1D1+2')).toBe(`"'\uFF1D1+2"`);
    expect(csvCell('  =1+2')).toBe(`"'  =1+2"`);
    expect(csvCell(undefined)).toBe('""');
    expect(csvCell(42)).toBe('"42"');
  });
});
