/** Makes a table sortable: a click on a column heading sorts by that column, again reverses. */
export function sortTable(table: HTMLTableElement): void {
  const head = table.tHead?.rows[0];
  const body = table.tBodies[0];
  if (head === undefined || body === undefined) return;
  const headings = Array.from(head.cells);
  for (const [column, heading] of headings.entries()) {
    heading.addEventListener("click", () => {
      const ascending = heading.getAttribute("aria-sort") !== "ascending";
      for (const other of headings) other.removeAttribute("aria-sort");
      heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const rows = Array.from(body.rows);
      const key = (row: HTMLTableRowElement): string => row.cells[column]?.dataset.sort ?? "";
      rows.sort((a, b) => {
        const left = key(a);
        const right = key(b);
        const numeric = Number(left) - Number(right);
        const order = Number.isNaN(numeric) ? left.localeCompare(right) : numeric;
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  }
}
