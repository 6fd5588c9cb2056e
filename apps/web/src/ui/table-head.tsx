/** A column header: its label, or [label, 'num'] for a right-aligned numeric column. */
export type Column = string | readonly [label: string, align: 'num'];

/** The header row of a grid-table; every column gets scope="col" for screen readers. */
export function TableHead({ columns }: { readonly columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          typeof column === 'string' ? (
            <th key={column} scope="col">
              {column}
            </th>
          ) : (
            <th key={column[0]} scope="col" className="num">
              {column[0]}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
