"""The initial list of obstacle themes; national admins extend it in the admin site."""

from django.db import migrations

THEMES = [
    ("personel", "Personel"),
    ("anggaran", "Anggaran"),
    ("birokrasi", "Birokrasi"),
    ("koordinasi", "Koordinasi"),
    ("respons-lambat", "Respons lambat"),
    ("sistem-ti", "Sistem/TI"),
    ("infrastruktur-akses", "Infrastruktur/akses"),
    ("konektivitas", "Konektivitas"),
    ("regulasi", "Regulasi"),
    ("data", "Data"),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("monev", "Theme")
    for order, (code, name) in enumerate(THEMES, start=1):
        Theme.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("monev", "Theme").objects.filter(code__in=[c for c, _n in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("monev", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
