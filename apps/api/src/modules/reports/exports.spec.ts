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
});
