export interface TreeCell {
  code: string;
  name: string;
  name_en?: string | null | undefined;
  level: string;
  parent_code?: string | null | undefined;
}

export interface TreeNode {
  cell: TreeCell;
  children: TreeNode[];
}

/**
 * The cell hierarchy from a flat list, children sorted by code. Cells whose parent is not in
 * the list (outside the caller's scope) become roots, so a grid leader's tree starts at their grid.
 */
export function buildTree(cells: readonly TreeCell[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>(cells.map((cell) => [cell.code, { cell, children: [] }]));
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.cell.parent_code ? nodes.get(node.cell.parent_code) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: TreeNode[]) => {
    list.sort((a, b) => a.cell.code.localeCompare(b.cell.code));
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** The codes from a root down to `code` (to expand the tree to a cell picked on the map). */
export function pathTo(cells: ReadonlyMap<string, TreeCell>, code: string): string[] {
  const path: string[] = [];
  let current = cells.get(code);
  while (current) {
    path.unshift(current.code);
    current = current.parent_code ? cells.get(current.parent_code) : undefined;
  }
  return path;
}
