// Plain-text tables for terminals: columns padded to their widest cell, the last one left ragged so that
// long explanations do not push every row to the widest one.

/** Flattens a cell to one line: a line break inside a cell would break the table. */
const flatten = (cell: string): string => cell.replace(/\s+/g, ' ').trim();

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cells = [headers, ...rows].map((row) => headers.map((_, column) => flatten(row[column] ?? '')));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
