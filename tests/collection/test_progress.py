"""Progress of collection (matrix, who is behind, per province) and the data-quality review.

Responses are created through the real ingestion function; assignments move through the real
transitions, so the audit trail holds their submission times.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.accounts.models import User
from kotan.collection import actions, progress
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Assignment, Period, RawSubmission, Response
from kotan.collection.progress import State
from kotan.instruments.models import Instrument
from kotan.regions.models import Regency
from tests.support.cast import Cast
from tests.support.periods import payload

ANSWERS = {  # one valid answer set per observation unit of the example instrument
    "gov": {"MAS1_01": "3", "MAS1_02": "4", "LEM1_01": "TT"},
    "edu": {"MAS1_01": "3", "MAS1_02": "2"},
    "biz": {"MAS1_01": "2"},
    "com": {"MAS1_01": "4"},
    "fam": {"KEL1_01": "3", "KEL1_02": "1"},
}
JAMBI = [*(f"15.0{i}" for i in range(1, 10)), "15.71", "15.72"]
_serial = iter(range(1_000_000))


def fill(assignment: Assignment, unit: str, n: int = 1, **overrides: Any) -> list[int]:
    """n valid responses from distinct institutions (so none is flagged by accident)."""
    ids = []
    for _ in range(n):
        data = payload(
            {"assignment": assignment.pk},
            unit=unit,
            institution=f"Instansi {next(_serial)}",
            answers=ANSWERS[unit],
        )
        data.update(overrides)
        result = ingest_submission(data, user=User.objects.get(username="ani"))
        assert result.status == 201, result.problems
        assert result.response_id is not None
        ids.append(result.response_id)
    return ids


def assignment(period: Period, code: str) -> Assignment:
    return Assignment.objects.get(period=period, regency__code=code)


def row(report: progress.ProgressReport, code: str) -> progress.RegencyProgress:
    [found] = [r for r in report.rows if r.regency_code == code]
    return found


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- rules, without the database ----------------------------------------------------------


def test_elapsed_share_runs_from_opening_to_deadline() -> None:
    opens, deadline = date(2026, 1, 1), date(2026, 1, 11)
    assert progress.elapsed_share(opens, deadline, date(2025, 12, 1)) == 0.0
    assert progress.elapsed_share(opens, deadline, date(2026, 1, 6)) == 0.5
    assert progress.elapsed_share(opens, deadline, date(2026, 1, 11)) == 1.0
    assert progress.elapsed_share(opens, deadline, date(2026, 3, 1)) == 1.0


@pytest.mark.parametrize(
    ("filled", "quota", "expected", "state"),
    [
        (40, 40, 1.0, State.COMPLETE),
        (45, 40, 0.5, State.COMPLETE),
        (0, 40, 0.0, State.NOT_STARTED),
        (0, 40, 0.9, State.NOT_STARTED),
        (19, 40, 0.5, State.BEHIND),
        (20, 40, 0.5, State.ON_TRACK),
    ],
)
def test_cell_state(filled: int, quota: int, expected: float, state: State) -> None:
    assert progress.unit_cell(filled, quota, expected).state == state


def test_counted_responses_are_capped_at_each_units_quota() -> None:
    cells = [progress.unit_cell(60, 40, 0.5), progress.unit_cell(0, 50, 0.5)]
    total = progress.total_cell(cells, [0.5, 0.5])
    assert (total.filled, total.counted, total.quota) == (60, 40, 90)
    assert total.percent == 44  # 40/90, rounded down
    assert total.state == State.BEHIND  # 60 government answers do not make up for families


def test_expected_share_of_a_total_is_weighted_by_quota() -> None:
    # One unit due long ago (expected 1.0, quota 10), one just opened (0.0, quota 90):
    # 10 of 100 should be filled by now, and 10 are.
    cells = [progress.unit_cell(10, 10, 1.0), progress.unit_cell(0, 90, 0.0)]
    assert progress.total_cell(cells, [1.0, 0.0]).state == State.ON_TRACK


# --- the matrix -----------------------------------------------------------------------------


def test_matrix_counts_responses_against_quotas(period: Period, cast: Cast, client: Client) -> None:
    batanghari = assignment(period, "15.04")
    fill(batanghari, "gov", 3)
    fill(batanghari, "fam", 2)
    fill(assignment(period, "15.01"), "gov")
    page = login(client, cast.ani).get(reverse("progress"), {"periode": 2026})
    assert page.status_code == 200
    report = page.context["report"]
    assert [u.code for u in report.units] == ["gov", "edu", "biz", "com", "fam"]
    cells = row(report, "15.04").cells
    assert [(c.filled, c.quota) for c in cells] == [(3, 40), (0, 30), (0, 20), (0, 40), (2, 50)]
    assert (row(report, "15.04").total.filled, row(report, "15.04").total.quota) == (5, 180)
    assert (report.unit_totals[0].filled, report.unit_totals[0].quota) == (4, 40 * 12)
    assert (report.total.filled, report.total.quota) == (6, 180 * 12)
    html = page.content.decode()
    # The state is an icon with a text alternative, never colour alone (late November: 3 of
    # 40 is behind).
    assert '<b role="img" aria-label="Tertinggal">!</b> 3/40' in html
    assert '<b role="img" aria-label="Belum mulai">○</b> 0/30' in html


def test_excluded_responses_do_not_count(period: Period, cast: Cast) -> None:
    batanghari = assignment(period, "15.04")
    first, _second = fill(batanghari, "gov", 2)
    actions.exclude_response(
        actor=cast.citra, response=Response.objects.get(pk=first), reason="Responden fiktif"
    )
    report = progress.progress_report(cast.ani, period)
    assert row(report, "15.04").cells[0].filled == 1


def test_latest_period_is_the_default_and_an_unknown_one_is_404(
    period: Period, cast: Cast, client: Client
) -> None:
    login(client, cast.ani)
    assert client.get(reverse("progress")).context["period"] == period
    assert client.get(reverse("progress"), {"periode": 1999}).status_code == 404
    assert client.get(reverse("progress"), {"periode": "x"}).status_code == 404


# --- who is behind --------------------------------------------------------------------------


def test_not_started_and_behind_regencies_are_listed_most_behind_first(
    period: Period, cast: Cast
) -> None:
    fill(assignment(period, "15.04"), "gov", 5)  # 5/180 = 2.8 %
    fill(assignment(period, "15.01"), "gov", 1)  # 1/180 = 0.6 %
    actions.transition_assignment(
        actor=cast.budi, assignment=assignment(period, "15.02"), action="submit"
    )
    # 4 of the 348 days from 1 January to the 15 December deadline: 1.1 % should be filled.
    report = progress.progress_report(cast.ani, period, today=date(2026, 1, 5))
    lagging = [r.regency_code for r in report.lagging]
    assert "15.04" not in lagging  # on track
    assert "15.02" not in lagging  # submitted: no longer collecting
    assert lagging[-1] == "15.01"  # behind, but less than those not started
    not_started = [c for c in ["11.08", *JAMBI] if c not in ("15.01", "15.02", "15.04")]
    assert lagging[:-1] == not_started  # equal gaps: by deadline, then code
    kerinci = row(report, "15.01")
    assert (kerinci.total.state, kerinci.days_left) == (State.BEHIND, 344)
    assert kerinci.responsible == "BNNP Jambi"
    assert kerinci.status == Assignment.Status.IN_PROGRESS


def test_lagging_list_on_the_page_shows_deadline_office_and_status(
    cast: Cast, client: Client
) -> None:
    today = timezone.localdate()
    period = actions.open_period(
        actor=cast.ani,
        year=2027,
        name="IKOTAN 2027",
        instrument=_instrument(),
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30),
    )
    actions.assign_regencies(
        actor=cast.ani,
        period=period,
        regencies=list(Regency.objects.filter(code__in=["15.04", "15.05"])),
        deadline=today + timedelta(days=10),
    )
    fill(assignment(period, "15.04"), "gov", 2)  # half the time gone, 2/180 filled
    page = login(client, cast.citra).get(reverse("progress"), {"periode": 2027})
    html = page.content.decode()
    section = html[html.index('id="belum-mengisi"') : html.index('id="matriks"')]
    assert section.index("Muaro Jambi") < section.index("Kabupaten Batanghari")
    assert "10 hari lagi" in section
    assert "BNNK Batanghari" in section
    assert "Berjalan" in section and "Belum mulai" in section
    assert "seharusnya 50%" in section
    lagging = page.context["report"].lagging
    assert [r.regency_code for r in lagging] == ["15.05", "15.04"]  # not started first


def _instrument() -> Instrument:
    from kotan.instruments.demo import load_demo_instrument

    return load_demo_instrument()


# --- per province: completeness and on-time rate -------------------------------------------


@pytest.fixture
def due_period(cast: Cast) -> Period:
    """A period with some deadlines still ahead and some already past (yesterday)."""
    today = timezone.localdate()
    period = actions.open_period(
        actor=cast.ani,
        year=2025,
        name="IKOTAN 2025",
        instrument=_instrument(),
        opens_on=today - timedelta(days=100),
        closes_on=today + timedelta(days=100),
    )

    def assign(codes: list[str], deadline: date) -> None:
        actions.assign_regencies(
            actor=cast.ani,
            period=period,
            regencies=list(Regency.objects.filter(code__in=codes)),
            deadline=deadline,
        )

    assign(["15.04", "15.01", "11.08"], today + timedelta(days=10))
    assign(["15.02", "15.03"], today - timedelta(days=1))
    return period


def test_completeness_and_on_time_rate_per_province(due_period: Period, cast: Cast) -> None:
    fill(assignment(due_period, "15.04"), "gov", 2)
    fill(assignment(due_period, "15.04"), "edu", 1)
    fill(assignment(due_period, "15.02"), "gov", 1)
    submit = actions.transition_assignment
    submit(actor=cast.citra, assignment=assignment(due_period, "15.04"), action="submit")
    submit(actor=cast.budi, assignment=assignment(due_period, "15.02"), action="submit")  # late
    submit(actor=cast.hadi, assignment=assignment(due_period, "11.08"), action="submit")
    report = progress.progress_report(cast.ani, due_period)
    aceh, jambi = report.provinces
    # Jambi: 4 regencies, 4 of 720 answers. Due: 15.04 and 15.02 (submitted) and 15.03 (past
    # its deadline); 15.01 is still collecting before its deadline. On time: 15.04 only.
    assert (jambi.name, jambi.regencies, jambi.total.counted, jambi.total.quota) == (
        "Jambi",
        4,
        4,
        720,
    )
    assert jambi.completeness == pytest.approx(4 / 720)
    assert (jambi.submitted, jambi.due, jambi.on_time) == (2, 3, 1)
    assert jambi.on_time_rate == pytest.approx(1 / 3)
    assert (aceh.name, aceh.completeness, aceh.on_time_rate) == ("Aceh", 0.0, 1.0)


def test_submission_time_comes_from_the_audit_trail(due_period: Period, cast: Cast) -> None:
    batanghari = assignment(due_period, "15.04")
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    actions.transition_assignment(actor=cast.budi, assignment=batanghari, action="verify")
    assert row(progress.progress_report(cast.ani, due_period), "15.04").on_time
    # Had the submission been recorded after the deadline, it would be late, whatever
    # happened to the assignment afterwards.
    LogEntry.objects.get_for_object(batanghari).filter(changes__status__1="diajukan").update(
        timestamp=timezone.now() + timedelta(days=11)
    )
    late = row(progress.progress_report(cast.ani, due_period), "15.04")
    assert late.submitted_on == timezone.localdate() + timedelta(days=11)
    assert not late.on_time


def test_province_summary_is_filtered_by_scope(due_period: Period, cast: Cast) -> None:
    assert [p.name for p in progress.progress_report(cast.budi, due_period).provinces] == ["Jambi"]
    assert [p.name for p in progress.progress_report(cast.hadi, due_period).provinces] == ["Aceh"]


# --- scope and access -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("ani", ["11.08", *JAMBI]),
        ("fajar", ["11.08", *JAMBI]),
        ("budi", JAMBI),
        ("gita", JAMBI),
        ("citra", ["15.04", "15.05"]),
        ("eko", ["15.04", "15.05"]),  # BNNK Batanghari's enumerator
        ("dewi", ["15.04"]),  # Kesbangpol Batanghari's focal point
        ("hadi", ["11.08"]),
    ],
)
def test_everyone_sees_the_regencies_of_their_scope(
    period: Period, cast: Cast, client: Client, who: str, codes: list[str]
) -> None:
    page = login(client, getattr(cast, who)).get(reverse("progress"))
    assert page.status_code == 200
    assert [r.regency_code for r in page.context["report"].rows] == codes
    csv_page = client.get(reverse("progress_csv"))
    lines = list(csv.reader(io.StringIO(csv_page.content.decode("utf-8-sig"))))
    assert [line[2] for line in lines[1:]] == codes


def test_province_filter_narrows_the_matrix_not_the_summary(
    period: Period, cast: Cast, client: Client
) -> None:
    page = login(client, cast.ani).get(reverse("progress"), {"provinsi": "11"})
    report = page.context["report"]
    assert [r.regency_code for r in report.rows] == ["11.08"]
    assert [p.code for p in report.provinces] == ["11", "15"]
    assert report.total.quota == 180


@pytest.mark.parametrize("name", ["progress", "progress_csv", "quality"])
def test_anonymous_users_go_to_the_login_page(period: Period, client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/akun/" in response.headers["Location"]


def test_anonymous_exclusion_goes_to_the_login_page(period: Period, client: Client) -> None:
    [response_id] = fill(assignment(period, "15.04"), "gov")
    url = reverse("response_exclude", args=[response_id])
    assert client.post(url, {"reason": "x"}).status_code == 302
    assert not Response.objects.get(pk=response_id).excluded


# --- CSV ------------------------------------------------------------------------------------


def test_csv_has_indonesian_headers_and_the_matrix(
    period: Period, cast: Cast, client: Client
) -> None:
    fill(assignment(period, "15.04"), "gov", 3)
    fill(assignment(period, "15.04"), "com", 1)
    response = login(client, cast.budi).get(reverse("progress_csv"), {"periode": 2026})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="progres-2026.csv"' in response["Content-Disposition"]
    header, *lines = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header[:7] == [
        "Kode provinsi",
        "Provinsi",
        "Kode kabupaten/kota",
        "Kabupaten/kota",
        "Penanggung jawab",
        "Status penugasan",
        "Tenggat",
    ]
    assert header[7:9] == ["Instansi pemerintah: terisi", "Instansi pemerintah: kuota"]
    assert header[-4:] == ["Total terisi", "Total kuota", "Kelengkapan (%)", "Keadaan"]
    batanghari = dict(zip(header, next(line for line in lines if line[2] == "15.04"), strict=True))
    assert batanghari["Kabupaten/kota"] == "Kabupaten Batanghari"
    assert batanghari["Penanggung jawab"] == "BNNK Batanghari"
    assert batanghari["Status penugasan"] == "Berjalan"
    assert batanghari["Tenggat"] == "2026-12-15"
    assert batanghari["Instansi pemerintah: terisi"] == "3"
    assert batanghari["Masyarakat: terisi"] == "1"
    assert (batanghari["Total terisi"], batanghari["Total kuota"]) == ("4", "180")
    assert batanghari["Kelengkapan (%)"] == "2.2"
    assert len(lines) == 11


# --- query count ----------------------------------------------------------------------------


def test_the_matrix_takes_a_fixed_number_of_queries(
    period: Period, cast: Cast, client: Client, django_assert_max_num_queries: Any
) -> None:
    actions.assign_regencies(
        actor=cast.ani,
        period=period,
        regencies=list(Regency.objects.filter(province__code="11")),
        deadline=date(2026, 12, 15),
    )
    assert Assignment.objects.filter(period=period).count() == 34
    for code in ("15.04", "15.01", "11.08", "11.01"):
        fill(assignment(period, code), "gov", 2)
        fill(assignment(period, code), "fam", 1)
    for code in ("15.01", "11.01"):
        actions.transition_assignment(
            actor=cast.ani, assignment=assignment(period, code), action="submit"
        )
    login(client, cast.ani)
    # session, user, periods, units, quotas, counts, assignments, audit trail (+ content type)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("progress"), {"periode": 2026})
    assert len(page.context["report"].rows) == 34
    with django_assert_max_num_queries(9):
        client.get(reverse("progress_csv"), {"periode": 2026})


# --- data quality ---------------------------------------------------------------------------


@pytest.fixture
def problems(period: Period, cast: Cast) -> dict[str, str]:
    """One of each: three flagged responses, an invalid and a conflicting submission in
    Batanghari, and a garbage submission tied to no assignment. Returns receipt numbers."""
    batanghari = assignment(period, "15.04")
    ani = cast.ani
    context = {"assignment": batanghari.pk}
    now = timezone.now()
    fast = ingest_submission(
        payload(context, institution="A", started_at=(now - timedelta(seconds=3)).isoformat()),
        user=ani,
    )
    same = {f"MAS{i}_0{j}": "4" for i in (1, 2) for j in (1, 2, 3, 4)}
    straight = ingest_submission(payload(context, institution="B", answers=same), user=ani)
    first = ingest_submission(payload(context, institution="Dinas Sosial"), user=ani)
    duplicate = ingest_submission(payload(context, institution="dinas sosial"), user=ani)
    invalid = ingest_submission(payload(context, answers={"MAS1_01": "9"}), user=ani)
    original_data = payload(context, institution="C")
    original = ingest_submission(original_data, user=ani)
    conflict = ingest_submission(
        {**original_data, "answers": {**original_data["answers"], "MAS1_01": "1"}}, user=ani
    )
    garbage = ingest_submission({"answers": "x"})
    assert [r.status for r in (fast, straight, duplicate, invalid, conflict, garbage)] == [
        201,
        201,
        201,
        422,
        409,
        422,
    ]
    return {
        "fast": fast.receipt_number,
        "straight": straight.receipt_number,
        "first": first.receipt_number,
        "duplicate": duplicate.receipt_number,
        "invalid": invalid.receipt_number,
        "original": original.receipt_number,
        "conflict": conflict.receipt_number,
        "garbage": garbage.receipt_number,
    }


def test_quality_page_lists_flags_invalid_and_conflicting_submissions(
    problems: dict[str, str], cast: Cast, client: Client
) -> None:
    page = login(client, cast.citra).get(reverse("quality"))
    assert page.status_code == 200
    flagged = {
        item.response.receipt_number: [f.label for f in item.flags]
        for item in page.context["flagged"]
    }
    assert flagged == {
        problems["fast"]: ["Terlalu cepat"],
        problems["straight"]: ["Jawaban seragam"],
        problems["first"]: ["Instansi ganda"],  # both of the pair
        problems["duplicate"]: ["Instansi ganda"],
    }
    issues = {i.raw.receipt_number: i for i in page.context["issues"]}
    assert set(issues) == {problems["invalid"], problems["conflict"]}  # garbage: no region
    assert (
        "Jawaban '9' untuk butir 'MAS1_01' tidak dikenal" in issues[problems["invalid"]].problems[0]
    )
    assert issues[problems["conflict"]].original_receipt == problems["original"]
    html = page.content.decode()
    for text in ("Terlalu cepat", "Jawaban seragam", "Instansi ganda", "Konflik", "Tidak valid"):
        assert text in html
    assert html.count(">Kecualikan</button>") == 4


def test_quality_page_is_scoped(problems: dict[str, str], cast: Cast, client: Client) -> None:
    hadi = login(client, cast.hadi).get(reverse("quality"))
    assert hadi.context["flagged"] == [] and hadi.context["issues"] == []
    ani = login(client, cast.ani).get(reverse("quality"))
    receipts = {i.raw.receipt_number for i in ani.context["issues"]}
    assert problems["garbage"] in receipts  # the centre sees what belongs to no region


def test_viewers_see_flags_without_the_exclusion_form(
    problems: dict[str, str], cast: Cast, client: Client
) -> None:
    page = login(client, cast.gita).get(reverse("quality"))
    assert len(page.context["flagged"]) == 4
    assert ">Kecualikan</button>" not in page.content.decode()


# --- exclusion ------------------------------------------------------------------------------


def flagged_response(problems: dict[str, str]) -> Response:
    return Response.objects.get(receipt_number=problems["fast"])


def test_an_operator_excludes_a_flagged_response_with_a_reason(
    problems: dict[str, str], cast: Cast, client: Client
) -> None:
    response = flagged_response(problems)
    url = reverse("response_exclude", args=[response.pk])
    done = login(client, cast.citra).post(url, {"reason": "  Diisi dalam 3 detik  "})
    assert done.status_code == 302 and done.headers["Location"].endswith("?periode=2026")
    response.refresh_from_db()
    assert (response.excluded, response.excluded_reason) == (True, "Diisi dalam 3 detik")
    entry = LogEntry.objects.get_for_object(response).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == cast.citra and entry.changes_dict["excluded"][1] == "True"
    # Still listed, marked, with the reason; never deleted.
    page = client.get(reverse("quality"))
    [item] = [i for i in page.context["flagged"] if i.response.pk == response.pk]
    assert item.response.excluded
    html = page.content.decode()
    assert "Diisi dalam 3 detik" in html and "Dikecualikan" in html
    assert html.count(">Kecualikan</button>") == 3
    assert Response.objects.filter(pk=response.pk).exists()


def test_excluding_one_of_a_duplicate_pair_clears_the_other(
    problems: dict[str, str], cast: Cast, client: Client
) -> None:
    duplicate = Response.objects.get(receipt_number=problems["duplicate"])
    login(client, cast.citra).post(
        reverse("response_exclude", args=[duplicate.pk]), {"reason": "Instansi mengisi dua kali"}
    )
    flagged = {
        item.response.receipt_number: [f.label for f in item.flags]
        for item in client.get(reverse("quality")).context["flagged"]
    }
    assert problems["first"] not in flagged  # no longer a duplicate of a counted response
    assert flagged[problems["duplicate"]] == []  # excluded: listed with its reason


@pytest.mark.parametrize("reason", ["", "   "])
def test_exclusion_needs_a_reason(
    problems: dict[str, str], cast: Cast, client: Client, reason: str
) -> None:
    response = flagged_response(problems)
    page = login(client, cast.budi).post(
        reverse("response_exclude", args=[response.pk]), {"reason": reason}
    )
    assert page.status_code == 200 and page.context["form"].errors
    assert 'aria-invalid="true"' in page.content.decode()
    response.refresh_from_db()
    assert not response.excluded
    assert not LogEntry.objects.get_for_object(response).filter(action=LogEntry.Action.UPDATE)


@pytest.mark.parametrize("who", ["dewi", "eko", "fajar", "gita"])
def test_only_operators_and_admins_exclude(
    problems: dict[str, str], cast: Cast, client: Client, who: str
) -> None:
    response = flagged_response(problems)
    url = reverse("response_exclude", args=[response.pk])
    assert login(client, getattr(cast, who)).post(url, {"reason": "x"}).status_code == 403
    assert not Response.objects.get(pk=response.pk).excluded


def test_exclusion_outside_the_scope_is_404(
    problems: dict[str, str], cast: Cast, client: Client
) -> None:
    response = flagged_response(problems)
    url = reverse("response_exclude", args=[response.pk])
    assert login(client, cast.hadi).post(url, {"reason": "x"}).status_code == 404
    assert not Response.objects.get(pk=response.pk).excluded


def test_national_admin_excludes_anywhere_and_twice_changes_nothing(
    problems: dict[str, str], cast: Cast, client: Client
) -> None:
    response = flagged_response(problems)
    url = reverse("response_exclude", args=[response.pk])
    login(client, cast.ani)
    assert client.get(url).status_code == 200  # the form on its own page
    client.post(url, {"reason": "Pertama"})
    client.post(url, {"reason": "Kedua"})
    response.refresh_from_db()
    assert response.excluded_reason == "Pertama"
    assert (
        LogEntry.objects.get_for_object(response).filter(action=LogEntry.Action.UPDATE).count() == 1
    )


def test_raw_submission_problems_are_the_stored_details(
    problems: dict[str, str], period: Period
) -> None:
    raw = RawSubmission.objects.get(receipt_number=problems["invalid"])
    [issue] = progress.raw_issues([raw], period)
    assert issue.problems == tuple(e["detail"] for e in raw.errors)
    assert issue.unit == "Instansi pemerintah"


# --- one assignment: institutions and links -------------------------------------------------


def test_progress_per_institution_lists_links_offices_and_the_rest(
    cast: Cast, period: Period
) -> None:
    batanghari = assignment(period, "15.04")
    kesbangpol = actions.create_link(
        actor=cast.citra,
        assignment=batanghari,
        unit_code="gov",
        institution=cast.kesbangpol_batanghari,
        max_uses=2,
    )
    unused = actions.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="edu", label="SMA 1", max_uses=None
    )
    data = payload({"link": kesbangpol.token}, answers=ANSWERS["gov"])
    assert ingest_submission(data).status == 201
    fill(batanghari, "fam", 2)
    rows = {r.name: r for r in progress.institution_progress(batanghari)}
    assert (rows[cast.kesbangpol_batanghari.name].filled, rows["SMA 1"].filled) == (1, 0)
    assert rows[cast.kesbangpol_batanghari.name].state == "partial"
    assert rows[cast.kesbangpol_batanghari.name].expected == 2
    assert rows["SMA 1"].state == "none" and unused.max_uses is None
    other = rows["Lainnya, tanpa tautan"]
    assert (other.filled, other.unit, other.state) == (2, "Keluarga", "received")


def test_an_office_without_a_link_is_listed_with_its_responses_by_name(
    cast: Cast, period: Period
) -> None:
    batanghari = assignment(period, "15.04")
    office = cast.kesbangpol_batanghari
    rows = {r.name: r for r in progress.institution_progress(batanghari)}
    assert rows[office.name].state == "no_link"
    fill(batanghari, "gov", 1, institution=office.name.upper())
    rows = {r.name: r for r in progress.institution_progress(batanghari)}
    assert (rows[office.name].filled, rows[office.name].state) == (1, "received")
    assert "Lainnya, tanpa tautan" not in rows
