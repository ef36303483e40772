"""Default SLA policies: how many business hours a case of each type and priority may take.

A business day is 9 hours (09:00–18:00). A company changes them in the admin; `seed` never
overwrites a policy that exists, and `unseed` removes only the policies still at their default.
"""

from django.db import migrations

# type: (low, normal, high, urgent), in business hours.
DEFAULTS = {
    "complaint": (45, 18, 9, 4),
    "request": (45, 27, 18, 9),
    "information": (18, 9, 4, 2),
    "irritant": (180, 90, 45, 18),
    "internal_request": (90, 45, 18, 9),
}
PRIORITIES = ("low", "normal", "high", "urgent")


def _rows():
    for type_, hours in DEFAULTS.items():
        for priority, resolution_hours in zip(PRIORITIES, hours):
            yield type_, priority, resolution_hours


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    existing = set(SlaPolicy.objects.values_list("type", "priority"))
    SlaPolicy.objects.bulk_create(
        SlaPolicy(type=type_, priority=priority, resolution_hours=hours)
        for type_, priority, hours in _rows()
        if (type_, priority) not in existing
    )


def unseed(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    for type_, priority, hours in _rows():
        SlaPolicy.objects.filter(type=type_, priority=priority, resolution_hours=hours).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_playbooks")]

    operations = [migrations.RunPython(seed, unseed)]
