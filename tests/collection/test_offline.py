"""The offline questionnaire's server side: the page, its scope, and the service worker."""

from __future__ import annotations

import json
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.collection import actions
from kotan.collection.models import Assignment
from tests.support.cast import Cast


def _config(response: object) -> dict[str, object]:
    html = response.content.decode()  # type: ignore[attr-defined]
    start = html.index('<script id="offline-config" type="application/json">') + 52
    return json.loads(html[start : html.index("</script>", start)])  # type: ignore[no-any-return]


def test_the_service_worker_is_served_from_the_root(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "request.method !== 'GET'" in body  # submissions are never answered from a cache


def test_a_link_opens_the_whole_questionnaire_for_offline_use(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    link = actions.create_link(
        actor=cast.citra,
        assignment=batanghari,
        unit_code="gov",
        institution=cast.kesbangpol_batanghari,
    )
    response = client.get(reverse("form_link_offline", args=[link.token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<fieldset class="q"') == 45  # every item of the unit on one page
    assert 'name="MAS1_01" id="MAS1_01-TT" value="TT"' in html
    config = _config(response)
    assert config["context"] == {"link": link.token}
    assert config["unit"] == "gov"
    assert config["institution"] == "Kesbangpol Kabupaten Batanghari"
    assert config["endpoint"] == "/api/v1/submissions/?kanal=offline"
    # The ordinary form points to it.
    assert (
        reverse("form_link_offline", args=[link.token])
        in client.get(reverse("form_link", args=[link.token])).content.decode()
    )


def test_unknown_and_expired_links_do_not_open(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    assert client.get(reverse("form_link_offline", args=["tidak-ada"])).status_code == 404
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    response = client.get(reverse("form_link_offline", args=[link.token]))
    assert response.status_code == 410 and "kedaluwarsa" in response.content.decode()


def test_enumerators_get_their_assignments_offline_within_scope(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    url = reverse("form_enumerator_offline", args=[batanghari.pk, "gov"])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(cast.hadi)  # BNNP Aceh
    assert client.get(url).status_code == 404
    client.force_login(cast.fajar)  # a viewer fills nothing
    assert client.get(url).status_code == 403
    client.force_login(cast.eko)
    response = client.get(url)
    assert response.status_code == 200
    assert _config(response)["context"] == {"assignment": batanghari.pk}
    # Drafts and outbox on the device are kept per user: a shared phone mixes nothing.
    assert _config(response)["form"] == f"pengisian/{batanghari.pk}/gov/{cast.eko.pk}"
    client.force_login(cast.citra)
    assert _config(client.get(url))["form"] == f"pengisian/{batanghari.pk}/gov/{cast.citra.pk}"
    client.force_login(cast.eko)
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert (
        client.get(reverse("form_enumerator_offline", args=[batanghari.pk, "xyz"])).status_code
        == 404
    )
    assert url in client.get(reverse("enumerator_home")).content.decode()
