// The settings screens' tables: a labelled table with column headers (the last one, for row
// actions, named for screen readers only) and the empty state as a row.
import type { ReactNode } from "react";

interface Props {
  label: string;
  columns: string[];
  /** Shown as the only row when there are no rows. */
  empty: ReactNode;
  rows: ReactNode[];
}

export function SettingsTable({ label, columns, empty, rows }: Props) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => <th key={c} scope="col">{c}</th>)}
            <th scope="col"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? <tr><td colSpan={columns.length + 1} className="empty">{empty}</td></tr> : rows}
        </tbody>
      </table>
    </div>
  );
}
