"""Load the 38 provinces and 514 regencies/cities (Kepmendagri 300.2.2-2138/2025).

Later changes to the reference file are applied with ``manage.py load_regions``.
"""

from django.db import migrations

from kotan.method.reference import read_reference


def load(apps, schema_editor):
    Province = apps.get_model("regions", "Province")
    Regency = apps.get_model("regions", "Regency")
    if Province.objects.exists():
        return
    reference = read_reference()
    provinces = Province.objects.bulk_create(
        Province(
            code=r.code, name=r.name, capital=r.capital, latitude=r.latitude, longitude=r.longitude
        )
        for r in reference.provinces
    )
    by_code = {p.code: p for p in Province.objects.all()}
    assert len(provinces) == len(by_code)
    Regency.objects.bulk_create(
        Regency(
            code=r.code,
            province=by_code[r.parent_code],
            kind=r.kind,
            name=r.name,
            capital=r.capital,
            latitude=r.latitude,
            longitude=r.longitude,
        )
        for r in reference.regencies
    )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
