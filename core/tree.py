"""Wagtail tree paths: a page's path is its ancestors' paths plus one step of `Page.steplen` characters."""

from django.db.models.lookups import StartsWith

STEPLEN = 4  # wagtail.models.Page.steplen (treebeard's MP_Node default); asserted in the tests


def ancestor_paths(paths, *, steplen=STEPLEN):
    """Every proper ancestor path of the given paths (the root's path included)."""
    return {path[:end] for path in paths for end in range(steplen, len(path), steplen)}


def path_prefix(path, depth, *, steplen=STEPLEN):
    """The path of the ancestor at `depth` (depth 1 is the root)."""
    return path[: depth * steplen]


def is_inside(path, root_paths):
    """True when the path is one of the roots or below one of them."""
    return any(path.startswith(root) for root in root_paths)


class PathStartsWith(StartsWith):
    """`path__startswith` (Wagtail's `descendant_of`, `child_of`) as a range on SQLite, where a LIKE cannot
    use the path's index (SQLite's LIKE ignores case): a commune's latest news then reads the commune's
    pages, not the whole tree, so it costs the same at 3,321 communes as at 11. Paths are digits and
    upper-case letters, so the range and the LIKE agree. Other databases keep the LIKE (PostgreSQL's
    `varchar_pattern_ops` index serves it). Registered on `Page.path` by cms/apps.py."""

    def as_sqlite(self, compiler, connection):
        if not isinstance(self.rhs, str):  # an expression: the LIKE
            return self.as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs_sql} >= %s AND {lhs_sql} < %s)", (*lhs_params, self.rhs, *lhs_params, self.rhs + "\U0010ffff")
