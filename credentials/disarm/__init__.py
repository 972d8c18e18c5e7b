"""Work on untrusted files that runs inside the sandboxed child (``credentials.sandbox``).

Nothing in this package imports Django: the child is a bare interpreter with
hard resource limits, and every function here is also bounded by its own
budgets (objects, decoded bytes, nesting, pixels, pages), so a hostile file is
refused early rather than merely killed late.
"""
