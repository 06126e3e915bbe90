"""Organisation pages, split by use case: the tree, memberships and the audit trail."""
