"""The demo Monev visit: Jambi, 21–22 December 2022, entered through the Monev actions.

The points of the first session follow the published report of that visit: its first two
points (who received the team, the method) are the session's facts here, and two points that
combine two kinds (an obstacle and what was done about it; a response and a request) are
entered as two points each, so the session has 14 points. The source lists only the first
session's points; the other five sessions have their venue and date. Team members have invented
names; people who received the team appear by position. Follow-ups are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from kotan.accounts.models import Organization, User
from kotan.instruments.models import Variable
from kotan.monev import actions
from kotan.monev.models import FollowUp, Point, Theme, Visit
from kotan.regions.models import Province, Regency

DEMO_TITLE = (
    "Monitoring dan Evaluasi Kebijakan Kota Tanggap Ancaman Narkoba (KOTAN) di Provinsi Jambi"
)
START, END = date(2022, 12, 21), date(2022, 12, 22)

TEAM = [  # invented names
    ("ketua", "Ratna Wijayanti, S.E., M.Si.", "Direktorat Peran Serta Masyarakat"),
    ("anggota", "Hendra Saputra, S.IP., M.Si.", "Direktorat Peran Serta Masyarakat"),
    ("anggota", "Maya Kartika, S.I.Kom.", "Direktorat Peran Serta Masyarakat"),
    ("sekretaris", "Dimas Pratama, S.H.", "Direktorat Peran Serta Masyarakat"),
]


@dataclass(frozen=True)
class DemoPoint:
    kind: str
    text: str
    themes: tuple[str, ...] = ()
    regency: str = ""
    variable: str = ""


BNNP_POINTS = [
    DemoPoint(
        "kendala",
        "Di BNNP Jambi saat ini masih terdapat kendala jumlah personel yang masih kurang, "
        "sehingga pelaksanaan kegiatan dilakukan dengan beberapa keterbatasan.",
        ("personel",),
    ),
    DemoPoint(
        "upaya",
        "Untuk mengatasi keterbatasan personel dilakukan kemitraan strategis dengan pihak lain "
        "seperti pemerintah provinsi, Kesbangpol dan kejaksaan, sehingga program P4GN dapat "
        "berjalan dengan baik.",
    ),
    DemoPoint(
        "capaian",
        "Pada tahun 2022 BNNP Jambi sudah melaksanakan kampanye/deklarasi bahaya narkoba di 5 "
        "kabupaten di Provinsi Jambi dan akan ditingkatkan lagi pada tahun 2023.",
        variable="MAS",
    ),
    DemoPoint(
        "rencana",
        "Program KOTAN di Provinsi Jambi akan dijalankan secara intensif pada tahun 2023, "
        "karena pada tahun 2022 masih dilaksanakan sosialisasi program KOTAN kepada seluruh "
        "pemangku kepentingan agar dapat dipahami dan dilaksanakan secara komprehensif.",
    ),
    DemoPoint(
        "rencana",
        "Selain sosialisasi kepada pemangku kepentingan, konsolidasi internal tentang program "
        "KOTAN terus dilaksanakan agar seluruh personel BNNP dan BNNK memahami program KOTAN "
        "dan dapat menyampaikannya kepada pemangku kepentingan dengan pola pikir dan arah yang "
        "tepat.",
    ),
    DemoPoint(
        "rencana",
        "Pada tahun 2023 direncanakan MoU/PKS antara BNNP dengan berbagai pemangku kepentingan "
        "terkait program KOTAN, yang diharapkan ditindaklanjuti oleh BNNK.",
        variable="LEM",
    ),
    DemoPoint(
        "capaian",
        "Sinergi BNNP Jambi dengan pemangku kepentingan menunjukkan hasil positif: kampanye "
        "bahaya narkoba melalui spanduk di kecamatan/kelurahan, serta pesan bahaya narkoba "
        "bagi nasabah melalui Bank Rakyat Indonesia dan Bank Syariah Indonesia; akan "
        "diperluas ke dunia usaha lainnya.",
    ),
    DemoPoint(
        "kendala",
        "Kepala BNNP menjelaskan bahwa birokrasi yang rumit di daerah menjadi kendala dalam "
        "pelaksanaan program P4GN di Provinsi Jambi.",
        ("birokrasi",),
        variable="LEM",
    ),
    DemoPoint(
        "informasi",
        "Di Provinsi Jambi sedang digalakkan upaya keadilan restoratif: pecandu dan "
        "penyalahguna narkoba tidak dipenjara melainkan direhabilitasi. Terdapat 5 lembaga "
        "rehabilitasi, 3 milik pemerintah dan 2 dikelola swasta.",
    ),
    DemoPoint(
        "capaian",
        "Respons positif pemangku kepentingan: Kejari Kabupaten Merangin membuka tempat "
        "rehabilitasi pecandu narkoba.",
        regency="15.02",
    ),
    DemoPoint(
        "permintaan",
        "Kapolres Kabupaten Kerinci meminta didirikannya BNNK di Kabupaten Kerinci.",
        regency="15.01",
    ),
    DemoPoint(
        "kendala",
        "Kepala BNNK Batanghari menyampaikan bahwa pada tahun 2021 pengisian kuesioner KOTAN "
        "mengalami galat sistem sehingga dilakukan secara manual; hal ini sudah dikoordinasikan "
        "dengan Bidang Dayamas di pusat.",
        ("sistem-ti", "data"),
        regency="15.04",
    ),
    DemoPoint(
        "kendala",
        "Pemkab/Kesbangpol tidak segera merespons pengisian kuesioner KOTAN karena kesibukan "
        "dan tugas masing-masing instansi yang harus didahulukan.",
        ("respons-lambat", "koordinasi"),
        regency="15.04",
        variable="LEM",
    ),
    DemoPoint(
        "kendala",
        "Staf BNNK Tanjung Jabung Timur menyampaikan bahwa lokasi kegiatan sangat sulit "
        "dijangkau karena akses jalan rusak, sehingga memerlukan moda transportasi yang "
        "memadai; komunikasi juga sering terhambat karena sinyal seluler tidak stabil.",
        ("infrastruktur-akses", "konektivitas"),
        regency="15.07",
        variable="WIL",
    ),
]

# venue, day, received by (positions), institutions (names of organisations), other names
SESSIONS = [
    (
        "Ruang Rapat Kantor BNNP Jambi",
        START,
        "Kepala BNNP Jambi, Koordinator P2M, Kabid Pemberantasan, Kepala BNNK Batanghari, "
        "Kepala BNNK Tanjung Jabung Timur, beserta staf",
        ["BNNP Jambi", "BNNK Batanghari"],
        "BNNK Tanjung Jabung Timur",
    ),
    ("Ruang Rapat Kesbangpol Provinsi Jambi", START, "", ["Kesbangpol Provinsi Jambi"], ""),
    ("Ruang Rapat PTPN 6", START, "", [], "PT Perkebunan Nusantara VI"),
    ("Ruang Rapat BNNK Batanghari", END, "", ["BNNK Batanghari"], ""),
    (
        "Ruang Rapat Kesbangpol Kabupaten Batanghari",
        END,
        "",
        ["Kesbangpol Kabupaten Batanghari"],
        "",
    ),
    ("Ruang Rapat Universitas Jambi", END, "", [], "Universitas Jambi"),
]


def _user(username: str) -> User:
    """A demo account (kotan.accounts.demo.load_demo creates them)."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(f"load the demo accounts first: no account {username!r}")
    return user


@transaction.atomic
def load_demo_monev() -> Visit:
    """Create the demo visit once; running it again changes nothing."""
    jambi = Province.objects.get(code="15")
    existing = Visit.objects.filter(province=jambi, starts_on=START, title=DEMO_TITLE).first()
    if existing is not None:
        return existing
    admin, bnnp, bnnk = _user("admin"), _user("bnnp.jambi"), _user("bnnk.batanghari")
    orgs = {o.name: o for o in Organization.objects.filter(province=jambi)}
    orgs.update({o.name: o for o in Organization.objects.filter(kind="bnn_ri")})
    regencies = {r.code: r for r in Regency.objects.filter(province=jambi)}
    themes = {t.code: t for t in Theme.objects.all()}

    visit = actions.create_visit(
        actor=admin,
        province=jambi,
        regencies=[regencies["15.04"], regencies["15.71"]],
        year=2022,
        period_label="Semester II",
        title=DEMO_TITLE,
        organizer="Direktorat Peran Serta Masyarakat, Deputi Bidang Pemberdayaan Masyarakat BNN RI",
        starts_on=START,
        ends_on=END,
        purpose="Memantau dan mengevaluasi pelaksanaan kebijakan KOTAN di Provinsi Jambi: "
        "kendala, upaya, capaian dan rencana BNNP, BNNK dan pemangku kepentingan.",
        status=Visit.Status.REPORTED,
    )
    for role, name, position in TEAM:
        actions.add_team_member(actor=admin, visit=visit, role=role, name=name, position=position)
    sessions = [
        actions.add_session(
            actor=admin,
            visit=visit,
            venue=venue,
            held_on=day,
            received_by=received_by,
            methods=["diskusi"],
            institutions=[orgs[n] for n in names if n in orgs],
            other_institutions=other,
        )
        for venue, day, received_by, names, other in SESSIONS
    ]
    points: list[Point] = [
        actions.add_point(
            actor=admin,
            session=sessions[0],
            kind=p.kind,
            text=p.text,
            themes=[themes[t] for t in p.themes],
            regency=regencies.get(p.regency),
            variable_code=p.variable if _has_variable(p.variable) else "",
        )
        for p in BNNP_POINTS
    ]
    _follow_ups(admin, bnnp, bnnk, points, orgs)
    return visit


def _has_variable(code: str) -> bool:
    return bool(code) and Variable.objects.filter(code=code).exists()


def _follow_ups(
    admin: User, bnnp: User, bnnk: User, points: list[Point], orgs: dict[str, Organization]
) -> None:
    bnnp_jambi, bnn_ri = orgs["BNNP Jambi"], orgs["BNN RI"]
    bnnk_batanghari = orgs.get("BNNK Batanghari", bnnp_jambi)

    def make(
        point: int, action: str, owner: Organization, person: str, due: date, **kw: str
    ) -> FollowUp:
        return actions.create_follow_up(
            actor=admin,
            point=points[point - 1],
            action=action,
            owner=owner,
            owner_person=person,
            due_on=due,
            priority=kw.get("priority", FollowUp.Priority.MEDIUM),
        )

    staff = make(
        1,
        "Mengusulkan penambahan personel P2M BNNP Jambi dalam rencana kebutuhan pegawai 2023.",
        bnnp_jambi,
        "Kepala BNNP Jambi",
        date(2023, 3, 31),
        priority=FollowUp.Priority.HIGH,
    )
    actions.add_note(
        actor=bnnp, follow_up=staff, text="Usulan dikirim ke Biro SDM.", noted_on=date(2023, 2, 14)
    )
    actions.set_follow_up_status(actor=bnnp, follow_up=staff, status="selesai")
    actions.verify_follow_up(actor=admin, follow_up=staff, note="Surat usulan diterima pusat.")

    mou = make(
        6,
        "Menyusun dan menandatangani MoU/PKS KOTAN dengan Pemerintah Provinsi Jambi dan "
        "Kesbangpol.",
        bnnp_jambi,
        "Koordinator P2M BNNP Jambi",
        date(2023, 6, 30),
        priority=FollowUp.Priority.HIGH,
    )
    actions.set_follow_up_status(actor=bnnp, follow_up=mou, status="berjalan")
    actions.add_note(
        actor=bnnp,
        follow_up=mou,
        text="Draf PKS dibahas dengan Biro Hukum.",
        noted_on=date(2023, 5, 8),
    )

    make(
        11,
        "Menyampaikan usulan pembentukan BNNK Kabupaten Kerinci kepada BNN RI.",
        bnnp_jambi,
        "Kepala BNNP Jambi",
        date(2023, 3, 31),
    )
    system = make(
        12,
        "Memastikan pengisian kuesioner KOTAN daring tanpa galat dan menyiapkan formulir "
        "cadangan luring.",
        bnn_ri,
        "Bidang Dayamas",
        date(2023, 3, 1),
        priority=FollowUp.Priority.HIGH,
    )
    actions.set_follow_up_status(actor=admin, follow_up=system, status="selesai")

    slow = make(
        13,
        "Rapat koordinasi dengan Kesbangpol Kabupaten Batanghari tentang jadwal pengisian "
        "kuesioner KOTAN.",
        bnnk_batanghari,
        "Kepala BNNK Batanghari",
        date(2023, 2, 28),
    )
    actions.add_note(
        actor=bnnk, follow_up=slow, text="Rapat dilaksanakan; jadwal disepakati.",
        noted_on=date(2023, 2, 20),
    )  # fmt: skip
    actions.set_follow_up_status(actor=bnnk, follow_up=slow, status="selesai")
    actions.verify_follow_up(actor=bnnp, follow_up=slow)
    actions.reopen_follow_up(
        actor=bnnp, follow_up=slow, reason="Notulen rapat belum dilampirkan sebagai bukti."
    )
    make(
        14,
        "Memetakan lokasi yang sulit dijangkau dan sinyal lemah; menjadwalkan kunjungan dengan "
        "kendaraan dinas.",
        bnnp_jambi,
        "Kabid P2M BNNP Jambi",
        date(2023, 4, 30),
        priority=FollowUp.Priority.LOW,
    )
