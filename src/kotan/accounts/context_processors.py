"""Navigation per role, shown by the base layout."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kotan.accounts.permissions import Capability, has_capability


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


_NAV: list[tuple[str | Promise, str, Capability | None]] = [
    (_("Beranda"), "home", None),
    (_("Pengisian"), "enumerator_home", Capability.FILL_QUESTIONNAIRE),
    (_("Pengumpulan"), "assignment_list", Capability.VIEW_COLLECTION),
    (_("Progres"), "progress", Capability.VIEW_COLLECTION),
    (_("Pengingat"), "outreach_today", Capability.SEND_MESSAGES),
    (_("Hasil"), "run_list", Capability.VIEW_COLLECTION),
    # Leaders and operators (not an enumerator's or a focal point's daily work).
    (_("Dasbor"), "dashboard_national", Capability.VIEW_ORGANIZATIONS),
    (_("Monev"), "monev_visit_list", Capability.VIEW_MONEV),
    (_("Wilayah"), "province_list", Capability.VIEW_REGIONS),
    (_("Instrumen"), "instrument_list", Capability.VIEW_INSTRUMENTS),
    (_("Organisasi"), "organization_list", Capability.VIEW_ORGANIZATIONS),
    (_("Pengguna"), "user_list", Capability.VIEW_USERS),
    (_("Jejak audit"), "audit_list", Capability.VIEW_AUDIT),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, capability in _NAV:
        if capability is None or has_capability(user, capability):
            url = reverse(name)
            active = request.path == url if name == "home" else request.path.startswith(url)
            items.append(NavItem(label, url, active))
    if user.is_staff:
        items.append(
            NavItem(_("Admin"), reverse("admin:index"), request.path.startswith("/admin/"))
        )
    return {"nav_items": items}
