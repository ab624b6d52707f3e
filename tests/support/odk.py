"""ODK Collect helpers: HTTP Basic headers and the instance Collect sends."""

from __future__ import annotations

import base64
import uuid
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET

from kotan.collection.channels import odk
from tests.support.cast import PASSWORD

XF = "{http://www.w3.org/2002/xforms}"


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_OPENROSA_VERSION": "1.0"}


def collect_instance(
    xform: str, values: dict[str, str], instance_id: str | None = None, **attrs: str
) -> bytes:
    """The instance Collect sends: the form's primary instance, filled in, no namespace on the
    tags, the form id and version on the root, meta/instanceID as ``uuid:…``."""
    model = SafeET.fromstring(xform.encode()).find(f".//{XF}model")
    assert model is not None
    data = model.find(f"{XF}instance")[0]  # type: ignore[index]
    for element in data.iter():
        element.tag = element.tag.removeprefix(XF)
        if element.tag in values:
            element.text = values[element.tag]
    instance = data.find("meta/instanceID")
    assert instance is not None
    instance.text = f"uuid:{instance_id or uuid.uuid4()}"
    data.set("xmlns:jr", "http://openrosa.org/javarosa")
    data.set("xmlns:orx", "http://openrosa.org/xforms")
    for name, value in attrs.items():
        data.set(name, value)
    return b"<?xml version='1.0' ?>" + ET.tostring(data, encoding="utf-8", xml_declaration=False)


def gov_values(form: odk.OdkForm, regency: str = "15.04", **extra: str) -> dict[str, str]:
    items = [row[1] for row in form.survey if row[0] == "select_one jawaban"]
    options = ["1", "2", "3", "4", "TT"]
    return {
        "start": "2026-03-02T09:00:00.000+07:00",
        "end": "2026-03-02T09:25:30.000+07:00",
        "regency": regency,
        "institution": "Dinas Kesehatan Kabupaten",
        **{code: options[n % 5] for n, code in enumerate(items)},
        **extra,
    }
