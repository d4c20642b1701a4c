"""Django's `flush`, allowed to empty the publication ledger.

PostgreSQL refuses TRUNCATE on the ledger tables (migration core 0005). Erasing the whole database
is the one legitimate exception — an operator's `manage.py flush` and the test runner's reset between
transactional tests — so this command lets its own transaction through and nothing else.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction


class Command(FlushCommand):
    def handle(self, **options):
        database = options.get("database") or DEFAULT_DB_ALIAS
        connection = connections[database]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL integrity.ledger_flush = 'on'")
            return super().handle(**options)
