# The audit log is append-only in the database too (issue #14, spec R-SEC): a trigger
# refuses every UPDATE and DELETE of an entry, whoever connects (the application, a role's
# page, the admin, psql). The references become PROTECT: SET_NULL would be an UPDATE of the
# entry and CASCADE a DELETE, which the trigger refuses anyway; PROTECT says so before any
# SQL runs (the admin lists the entries that keep a user, a school or a student).
#
# TRUNCATE is left alone: it needs the table's owner, and the test database is emptied
# with it between transactional tests.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % of audit_auditentry refused', TG_OP;
END $$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER audit_entry_append_only ON audit_auditentry;
DROP FUNCTION audit_entry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_auditentry_student"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("schools", "0002_registry_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The last migration that rewrites entries (it joins the old history to them): it
        # must run before the trigger exists.
        ("journal", "0004_history_in_audit_log"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="кто",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="content_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="school",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.school",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="student",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.student",
                verbose_name="обучающийся",
            ),
        ),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
