/** A field starting like this is run as a formula by some spreadsheet (full-width forms and leading blanks too). */
const FORMULA_START = /^[\t\r]|^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * One CSV field, always quoted so the cell stays whole whatever delimiter the spreadsheet splits on (`,` or `;`),
 * and never read as a formula.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '""';
  let text = String(value);
  // The `'` also keeps a phone number like +14155550123 as text, as a spreadsheet user wants it (not 1.42E+10).
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** A whole CSV text: one line per row, with CRLF line ends as RFC 4180 has them. */
export function csvText(rows: readonly (readonly unknown[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
