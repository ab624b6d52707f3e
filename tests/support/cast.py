"""The cast: one user per role, built through the real actions.

- Ani, national admin at BNN RI, sees everything.
- Budi, BNNP Jambi operator, sees Jambi.
- Citra, BNNK Batanghari operator; her BNNK also covers Muaro Jambi.
- Dewi, Kesbangpol Batanghari focal point.
- Eko, enumerator in Batanghari.
- Fajar, viewer for the whole country (leadership).
- Gita, viewer of Jambi province.
- Hadi, BNNP Aceh operator: must see nothing of Jambi's.
All names are invented.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kotan.accounts import actions
from kotan.accounts.models import Organization, Role, User
from kotan.regions.models import Province, Regency

PASSWORD = "sandi-uji-yang-panjang"


@dataclass
class Cast:
    ani: User
    budi: User
    citra: User
    dewi: User
    eko: User
    fajar: User
    gita: User
    hadi: User
    bnn_ri: Organization
    bnnp_jambi: Organization
    bnnp_aceh: Organization
    bnnk_batanghari: Organization
    kesbangpol_batanghari: Organization
    kesbangpol_aceh_utara: Organization

    def fresh(self) -> Cast:
        """The same people and organisations read again from the database, for a test whose
        changes to them in memory must not reach the next test (a world built once)."""
        return Cast(
            **{
                f.name: type(obj).objects.get(pk=obj.pk)
                for f in dataclasses.fields(self)
                for obj in [getattr(self, f.name)]
            }
        )

    def by_role(self) -> dict[str, User]:
        return {
            "national_admin": self.ani,
            "province_operator": self.budi,
            "regency_operator": self.citra,
            "focal_point": self.dewi,
            "enumerator": self.eko,
            "viewer_national": self.fajar,
            "viewer_province": self.gita,
        }


def region(code: str) -> Regency:
    return Regency.objects.get(code=code)


def make_user(username: str, role: str, **kw: object) -> User:
    """An account through the real action, with the test password and an invented name."""
    return actions.create_user(
        actor=None,
        username=username,
        password=PASSWORD,
        role=role,
        full_name=username.capitalize(),
        **kw,  # type: ignore[arg-type]
    )


def build_cast() -> Cast:
    """The cast, also for fixtures that build their world once per module."""
    jambi = Province.objects.get(code="15")
    aceh = Province.objects.get(code="11")
    make_org = actions.create_organization
    bnn_ri = make_org(actor=None, name="BNN RI", kind=Organization.Kind.BNN_RI)
    bnnp_jambi = make_org(actor=None, name="BNNP Jambi", kind="bnnp", province=jambi)
    bnnp_aceh = make_org(actor=None, name="BNNP Aceh", kind="bnnp", province=aceh)
    bnnk_batanghari = make_org(
        actor=None,
        name="BNNK Batanghari",
        kind="bnnk",
        regency=region("15.04"),
        covered_regencies=[region("15.05")],
    )
    kesbangpol = make_org(
        actor=None,
        name="Kesbangpol Kabupaten Batanghari",
        kind="institution",
        sector="pemda",
        regency=region("15.04"),
    )
    kesbangpol_aceh = make_org(
        actor=None,
        name="Kesbangpol Kabupaten Aceh Utara",
        kind="institution",
        sector="pemda",
        regency=region("11.08"),
    )

    return Cast(
        ani=make_user("ani", Role.NATIONAL_ADMIN, organization=bnn_ri),
        budi=make_user("budi", Role.PROVINCE_OPERATOR, organization=bnnp_jambi, province=jambi),
        citra=make_user(
            "citra", Role.REGENCY_OPERATOR, organization=bnnk_batanghari, regency=region("15.04")
        ),
        dewi=make_user("dewi", Role.FOCAL_POINT, organization=kesbangpol, regency=region("15.04")),
        eko=make_user(
            "eko", Role.ENUMERATOR, organization=bnnk_batanghari, regency=region("15.04")
        ),
        fajar=make_user("fajar", Role.VIEWER, organization=bnn_ri),
        gita=make_user("gita", Role.VIEWER, organization=bnnp_jambi, province=jambi),
        hadi=make_user("hadi", Role.PROVINCE_OPERATOR, organization=bnnp_aceh, province=aceh),
        bnn_ri=bnn_ri,
        bnnp_jambi=bnnp_jambi,
        bnnp_aceh=bnnp_aceh,
        bnnk_batanghari=bnnk_batanghari,
        kesbangpol_batanghari=kesbangpol,
        kesbangpol_aceh_utara=kesbangpol_aceh,
    )
