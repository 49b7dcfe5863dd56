/** A column of a table the CLI prints: its heading and how a row shows in it. */
export type TableColumn<T> = [heading: string, value: (row: T) => string];

/** `2026-11-30 08:41` (UTC): minutes are enough to tell rows apart at a glance. */
export const minute = (iso: string | null): string =>
  iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** Rows as aligned columns, a heading first; one line per row, no trailing spaces. */
export function formatTable<T>(
  columns: ReadonlyArray<TableColumn<T>>,
  items: readonly T[],
): string[] {
  const rows = [
    columns.map(([heading]) => heading),
    ...items.map((item) => columns.map(([, value]) => value(item))),
  ];
  const widths = columns.map((_, column) =>
    Math.max(...rows.map((row) => [...row[column]].length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat(widths[column] - [...cell].length),
      )
      .join('  '),
  );
}
