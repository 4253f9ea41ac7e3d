from django.db import migrations

from alerts import facts


class Migration(migrations.Migration):
    """A fact trigger whose statement changes more than ``facts.LOCK_KEYS_LIMIT`` keys takes
    one exclusive bulk lock instead of a lock per key, and the others hold that lock shared:
    a term's lessons generated in one transaction took a lock per student and day and ran
    PostgreSQL out of shared memory ("max_locks_per_transaction"). Only the functions are
    replaced; the reverse restores the per-key locks of migration 0011."""

    dependencies = [
        ("alerts", "0011_fact_triggers_lock_their_keys"),
    ]

    operations = [
        migrations.RunSQL(facts.functions(), reverse_sql=migrations.RunSQL.noop),
    ]
