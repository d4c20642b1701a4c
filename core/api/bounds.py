"""The range of the database's integer columns: ids and counts from callers are checked against it, so that a
20-digit number is a field error (400) and never reaches the database (OverflowError on SQLite, a 500)."""

BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1
