"""Wagtail tree paths: a page's path is its ancestors' paths plus one step of `Page.steplen` characters."""

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
