import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { neutralise, toCsv } from './exports.service.js';

describe('CSV exports', () => {
  it('neutralises text that a spreadsheet would run as a formula', () => {
    for (const bad of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutralise(bad)).toBe(`'${bad}`);
    expect(neutralise('Ana')).toBe('Ana');
    expect(neutralise('2026-10-05T09:00:00+01:00')).toBe('2026-10-05T09:00:00+01:00');
    expect(neutralise(-5)).toBe(-5);
    expect(neutralise(null)).toBeNull();
  });

  it('writes UTF-8 with a BOM, CRLF line ends and RFC 4180 quoting', () => {
    const csv = toCsv([
      ['Name', 'Note'],
      ['Zé "Zeca" Silva', 'a,b\nc'],
      [null, 66.7],
    ]).toString('utf8');
    expect(csv).toBe('\uFEFFName,Note\r\n"Zé ""Zeca"" Silva","a,b\nc"\r\n,66.7\r\n');
  });

  it('quotes a field with a lone LF or CR, so a note with a line break stays in its row', () => {
    const csv = toCsv([
      ['a', 'line\nbreak'],
      ['b', 'carriage\rreturn'],
      ['c', 'crlf\r\nend'],
      ['d', '\rx'],
    ]).toString('utf8');
    expect(csv).toBe('\uFEFFa,"line\nbreak"\r\nb,"carriage\rreturn"\r\nc,"crlf\r\nend"\r\nd,"\'\rx"\r\n');
  });

  it('writes what csv-stringify writes (windows record delimiter, any line break quoted), on any cells', () => {
    const reference = (rows: (string | number | null)[][]) =>
      stringify(
        rows.map((row) => row.map(neutralise)),
        { bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/, cast: { number: (n) => String(n) } },
      );
    const cell = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', "'", ' ', 'é') }),
      fc.constant(null),
      fc.constant(''),
      fc.integer(),
      fc.double({ noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        expect(toCsv(rows).toString('utf8')).toBe(reference(rows));
      }),
      { numRuns: 500 },
    );
  });
});
