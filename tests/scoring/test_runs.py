"""Index runs from the database: same numbers as the engine, immutable, reproducible, scoped."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from kotan.collection import actions as collection
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Answer, Assignment, Period, Response
from kotan.instruments import actions as instruments
from kotan.instruments.queries import instrument_spec
from kotan.jobs.actions import start_job
from kotan.jobs.models import Job
from kotan.method.engine import ScoringOptions, score
from kotan.method.spec import EXAMPLE, load_yaml
from kotan.regions.models import Regency
from kotan.scoring import runs
from kotan.scoring.jobs import INDEX_RUN
from kotan.scoring.models import ImmutableResult, IndexRun, RegencyResult
from tests.support.cast import Cast, build_cast
from tests.support.jobs import run_worker
from tests.support.periods import MIN_RESPONDENTS, PLAN, answer_some, build_period, payload
from tests.support.world import held_transaction


@dataclass
class Measured:
    period: Period
    run: IndexRun


@dataclass
class Answered:
    cast: Cast
    period: Period


@pytest.fixture(scope="module")
def answered_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Answered]:
    """The collection tests' period with the small minimum, answered: built once per module."""
    with held_transaction(django_db_blocker):
        cast = build_cast()
        period = build_period(cast, min_respondents=MIN_RESPONDENTS)
        answer_some(period, cast)
        yield Answered(cast, period)


@pytest.fixture
def cast(answered_world: Answered, db: None) -> Cast:
    return answered_world.cast.fresh()


@pytest.fixture
def answered(answered_world: Answered, db: None) -> Period:
    return Period.objects.get(pk=answered_world.period.pk)


@pytest.fixture
def measured(answered: Period, cast: Cast) -> Measured:
    run = runs.compute_run(actor=cast.ani, period=answered, bootstrap=100)
    return Measured(answered, run)


def finalise_everything(period: Period, cast: Cast) -> None:
    for assignment in Assignment.objects.filter(period=period):
        for action in ("submit", "verify", "finalize"):
            collection.transition_assignment(actor=cast.ani, assignment=assignment, action=action)


# --- reading --------------------------------------------------------------------------------


def test_the_matrix_holds_every_assigned_regency_and_every_counted_answer(
    answered: Period,
) -> None:
    matrix, digest = runs.response_matrix(answered)
    assigned = sorted(
        Assignment.objects.filter(period=answered).values_list("regency__code", flat=True)
    )
    assert list(matrix.regency_codes) == assigned and len(assigned) == 12
    assert matrix.n_respondents == sum(n for n, _ in PLAN.values())
    response = Response.objects.filter(assignment__regency__code="15.04").order_by("pk")[3]
    row = matrix.scores[matrix.respondent_ids.index(response.receipt_number)]
    stored = dict(Answer.objects.filter(response=response).values_list("item__code", "score"))
    for j, code in enumerate(matrix.item_codes):
        expected = stored.get(code)
        assert (np.isnan(row[j]) and expected is None) or row[j] == expected
    assert (
        matrix.unit_codes[matrix.unit_index[matrix.respondent_ids.index(response.receipt_number)]]
        == response.unit.code
    )
    assert len(digest) == 64 and runs.response_matrix(answered)[1] == digest


def test_excluded_responses_are_not_read(answered: Period, cast: Cast) -> None:
    response = Response.objects.filter(assignment__regency__code="15.04").first()
    assert response is not None
    _, before = runs.response_matrix(answered)
    collection.exclude_response(actor=cast.citra, response=response, reason="Responden ganda")
    matrix, after = runs.response_matrix(answered)
    assert response.receipt_number not in matrix.respondent_ids
    assert after != before


# --- computing ------------------------------------------------------------------------------


def test_a_run_stores_what_the_engine_gives_for_the_same_matrix(measured: Measured) -> None:
    run, period = measured.run, measured.period
    matrix, digest = runs.response_matrix(period)
    expected = score(
        instrument_spec(period.instrument),
        matrix,
        ScoringOptions(
            aggregation="pooled",
            min_respondents=MIN_RESPONDENTS,
            scheme="2022",
            bootstrap=100,
            seed=2026,
        ),
    )
    assert run.kind == "sementara" and run.input_digest == digest
    assert run.method["seed"] == 2026 == period.year and run.method["bootstrap"] == 100
    assert run.n_responses == matrix.n_respondents
    assert run.bands == [
        {"code": b.code, "label": b.label, "lower": b.lower, "upper": b.upper}
        for b in expected.bands
    ]
    stored = {
        r.regency.code: r for r in RegencyResult.objects.filter(run=run).select_related("regency")
    }
    assert set(stored) == {r.regency_code for r in expected.regencies}
    for e in expected.regencies:
        s = stored[e.regency_code]
        assert (s.index, s.index_100, s.category or None) == (e.index, e.index_100, e.category)
        assert (s.rank_national, s.rank_province, s.status) == (
            e.rank_national,
            e.rank_province,
            e.status,
        )
        assert s.variables == dict(e.variables) and s.n_by_unit == dict(e.n_by_unit)
        ci = None if s.index_ci_low is None else (s.index_ci_low, s.index_ci_high)
        rank_ci = None if s.rank_ci_low is None else (s.rank_ci_low, s.rank_ci_high)
        assert (ci, rank_ci, s.p_same_category) == (e.index_ci, e.rank_ci, e.p_same_category)
    assert [stored[c].rank_national for c in ("15.04", "15.05", "11.08")] == [1, 2, 3]
    assert stored["15.71"].status == "insufficient_data" and stored["15.71"].rank_national is None
    assert stored["15.01"].n_respondents == 0  # assigned, nobody answered yet


def test_stored_runs_cannot_change(measured: Measured) -> None:
    run = measured.run
    result = RegencyResult.objects.filter(run=run).first()
    assert result is not None
    run.kind = "final"
    for attempt in (run.save, run.delete, result.save, result.delete):
        with pytest.raises(ImmutableResult):
            attempt()
    with pytest.raises(ImmutableResult):
        RegencyResult.objects.filter(run=run).update(index=4.0)
    with pytest.raises(ImmutableResult):
        IndexRun.objects.filter(pk=run.pk).delete()
    assert IndexRun.objects.get(pk=run.pk).kind == "sementara"


def test_computing_a_run_is_audited(measured: Measured, cast: Cast) -> None:
    [entry] = LogEntry.objects.get_for_object(measured.run)
    assert entry.action == LogEntry.Action.CREATE and entry.actor == cast.ani


def test_only_national_admins_compute(answered: Period, cast: Cast) -> None:
    with pytest.raises(runs.RunError) as refused:
        runs.compute_run(actor=cast.budi, period=answered, bootstrap=0)
    assert refused.value.problems[0].code == "run.role"


def test_final_needs_every_assignment_final_or_a_locked_period(
    answered: Period, cast: Cast
) -> None:
    with pytest.raises(runs.RunError) as refused:
        runs.compute_run(actor=cast.ani, period=answered, final=True, bootstrap=0)
    assert refused.value.problems[0].code == "run.final_not_allowed"
    assert "0 dari 12 penugasan final" in refused.value.problems[0].message()
    # A closed period is not enough: verification may still be under way. No action closes
    # or locks a period yet, so the status is set directly here.
    Period.objects.filter(pk=answered.pk).update(status=Period.Status.CLOSED)
    answered.refresh_from_db()
    assert not runs.final_readiness(answered).allowed
    Period.objects.filter(pk=answered.pk).update(status=Period.Status.LOCKED)
    answered.refresh_from_db()
    run = runs.compute_run(actor=cast.ani, period=answered, final=True, bootstrap=0)
    assert run.kind == "final"


def test_a_final_run_recomputes_bit_for_bit(answered: Period, cast: Cast) -> None:
    finalise_everything(answered, cast)
    run = runs.compute_run(actor=cast.ani, period=answered, final=True, bootstrap=200)
    assert run.kind == "final" and run.method["bootstrap"] == 200
    assert runs.differences(run) == []
    assert runs.recompute(run)


def test_excluding_a_response_afterwards_shows_in_the_recompute(
    measured: Measured, cast: Cast
) -> None:
    response = Response.objects.filter(assignment__regency__code="15.04").first()
    assert response is not None
    collection.exclude_response(actor=cast.citra, response=response, reason="Tidak valid")
    found = runs.differences(measured.run)
    assert "input_digest" in found and "15.04.input_digest" in found
    assert "15.04.n_respondents" in found and "15.04.n_excluded" in found
    assert not [f for f in found if f.startswith("11.08.")]  # other regencies keep their input
    assert not runs.recompute(measured.run)


# --- pages ----------------------------------------------------------------------------------


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_admins_see_runs_and_compute_from_the_page(answered: Period, cast: Cast) -> None:
    client = client_for(cast.ani)
    page = client.get(reverse("run_list")).content.decode()
    assert "Hitung indeks" in page and "0 dari 12 penugasan final" in page
    response = client.post(reverse("run_compute"), {"period": answered.pk, "bootstrap": "20"})
    job = Job.objects.get()  # the run is computed in the background, not in the request
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert not IndexRun.objects.exists()
    assert job.params == {"period": answered.pk, "final": False, "bootstrap": 20}
    page = client.get(reverse("run_list")).content.decode()
    assert "Sedang dihitung di latar belakang" in page
    assert reverse("job_detail", args=[job.pk]) in page
    run_worker()
    run = IndexRun.objects.get()
    job.refresh_from_db()
    assert job.status == "selesai" and job.result_url == reverse("run_detail", args=[run.pk])
    assert (job.progress_done, job.progress_total, job.progress_note) == (3, 3, "Hasil tersimpan")
    assert run.kind == "sementara" and run.created_by == cast.ani
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert reverse("run_detail", args=[run.pk]) in page and "Buka hasil" in page
    assert "Sedang dihitung" not in client.get(reverse("run_list")).content.decode()
    page = client.get(reverse("run_list")).content.decode()
    assert f"#{run.pk}" in page and "Sementara" in page and "B=20, seed 2026" in page


def test_a_final_run_is_refused_before_its_time_on_the_page(answered: Period, cast: Cast) -> None:
    response = client_for(cast.ani).post(
        reverse("run_compute"),
        {"period": answered.pk, "bootstrap": "0", "final": "on"},
        follow=True,
    )
    assert "Perhitungan final hanya dapat dilakukan" in response.content.decode()
    assert not IndexRun.objects.exists() and not Job.objects.exists()  # refused before queueing


def test_others_read_but_do_not_compute(measured: Measured, cast: Cast) -> None:
    client = client_for(cast.budi)
    page = client.get(reverse("run_list")).content.decode()
    assert f"#{measured.run.pk}" in page and "Hitung indeks" not in page
    post = client.post(reverse("run_compute"), {"period": measured.period.pk, "bootstrap": "0"})
    assert post.status_code == 403
    assert IndexRun.objects.count() == 1 and not Job.objects.exists()
    assert Client().get(reverse("run_list")).status_code == 302  # anonymous: to the login page


def test_the_ranking_shows_only_the_users_region(measured: Measured, cast: Cast) -> None:
    url = reverse("run_detail", args=[measured.run.pk])
    hadi = client_for(cast.hadi).get(url).content.decode()
    assert "Aceh Utara" in hadi and "Batanghari" not in hadi and "Muaro Jambi" not in hadi
    citra = client_for(cast.citra).get(url).content.decode()
    assert "Batanghari" in citra and "Muaro Jambi" in citra
    assert "Aceh Utara" not in citra and "Kerinci" not in citra
    ani = client_for(cast.ani).get(url).content.decode()
    batanghari = RegencyResult.objects.get(run=measured.run, regency__code="15.04")
    assert (
        f'<b>1</b> <span class="muted ci">({batanghari.rank_ci_low}–{batanghari.rank_ci_high})'
        in ani
    )
    assert "Data tidak cukup: 3 responden, minimal 5" in ani  # Kota Jambi


def test_regency_pages_outside_the_scope_are_404(measured: Measured, cast: Cast) -> None:
    pk = measured.run.pk
    hadi, citra = client_for(cast.hadi), client_for(cast.citra)
    assert hadi.get(reverse("run_regency", args=[pk, "11.08"])).status_code == 200
    assert hadi.get(reverse("run_regency", args=[pk, "15.04"])).status_code == 404
    assert hadi.get(reverse("run_regency_answers", args=[pk, "15.04"])).status_code == 404
    assert citra.get(reverse("run_regency", args=[pk, "15.05"])).status_code == 200
    assert citra.get(reverse("run_regency", args=[pk, "15.71"])).status_code == 404
    assert citra.get(reverse("run_regency", args=[pk + 1, "15.04"])).status_code == 404


def test_the_regency_page_explains_the_number(measured: Measured, cast: Cast) -> None:
    page = client_for(cast.citra).get(reverse("run_regency", args=[measured.run.pk, "15.04"]))
    text = page.content.decode()
    assert "Cara menghitung" in text and "seed 2026" in text and "ikotan-engine" in text
    assert "Data jawaban saat ini sama dengan yang dihitung." in text
    assert "<meter" in text and "Ketahanan masyarakat" in text
    assert "dari 3" in text  # ranked among three regencies with enough data


def test_the_regency_page_says_when_data_is_short(measured: Measured, cast: Cast) -> None:
    page = client_for(cast.citra).get(reverse("run_regency", args=[measured.run.pk, "15.05"]))
    assert "Data tidak cukup." not in page.content.decode()
    page = client_for(cast.ani).get(reverse("run_regency", args=[measured.run.pk, "15.71"]))
    assert "Data tidak cukup." in page.content.decode()


def test_the_regency_page_warns_when_the_answers_changed(measured: Measured, cast: Cast) -> None:
    response = Response.objects.filter(assignment__regency__code="15.04").first()
    assert response is not None
    collection.exclude_response(actor=cast.citra, response=response, reason="Tidak valid")
    page = client_for(cast.citra).get(reverse("run_regency", args=[measured.run.pk, "15.04"]))
    assert "Data jawaban telah berubah" in page.content.decode()


def test_the_answers_used_download_as_csv(measured: Measured, cast: Cast) -> None:
    response = client_for(cast.citra).get(
        reverse("run_regency_answers", args=[measured.run.pk, "15.04"])
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["receipt_number", "regency_code", "unit_code", "item_code", "value", "score"]
    counted = Answer.objects.filter(
        response__assignment__regency__code="15.04", response__excluded=False
    )
    assert len(rows) - 1 == counted.count()
    assert {r[1] for r in rows[1:]} == {"15.04"}
    assert all(r[5] == "" for r in rows[1:] if r[4] == "TT")
    assert all(float(r[5]) == float(r[4]) for r in rows[1:] if r[4] != "TT")
    result = RegencyResult.objects.get(run=measured.run, regency__code="15.04")
    assert len({r[0] for r in rows[1:]}) == result.n_respondents
    assert sum(1 for r in rows[1:] if r[5]) == result.n_answers


def test_pages_do_not_grow_queries_with_regencies(
    measured: Measured, cast: Cast, django_assert_max_num_queries: object
) -> None:
    client = client_for(cast.ani)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert client.get(reverse("run_detail", args=[measured.run.pk])).status_code == 200
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert (
            client.get(reverse("run_regency", args=[measured.run.pk, "15.04"])).status_code == 200
        )
    with django_assert_max_num_queries(7):  # type: ignore[operator]  # 7th: runs being computed
        assert client.get(reverse("run_list")).status_code == 200


def test_a_regency_without_a_whole_variable_is_not_ranked(answered: Period, cast: Cast) -> None:
    """No family answered in 15.06: no KEL, so no index with every variable's weight."""
    spec = instrument_spec(answered.instrument)
    assignment = Assignment.objects.get(period=answered, regency__code="15.06")
    for i in range(MIN_RESPONDENTS + 2):
        answers = {item.code: "3" for item in spec.items if "gov" in item.units}
        result = ingest_submission(
            payload(
                {"assignment": assignment.pk}, unit="gov", institution=f"OPD {i}", answers=answers
            ),
            user=cast.ani,
        )
        assert result.status == 201
    run = runs.compute_run(actor=cast.ani, period=answered, bootstrap=20)
    row = run.results.get(regency__code="15.06")
    assert row.status == "insufficient_data" and row.rank_national is None and row.index is None
    assert row.missing_variables == ["KEL"] and row.variables["MAS"] == 3.0
    assert row.n_respondents == row.n_rows == MIN_RESPONDENTS + 2
    page = client_for(cast.ani).get(reverse("run_regency", args=[run.pk, "15.06"]))
    assert "Tidak ada jawaban untuk variabel KEL" in page.content.decode()
    listing = client_for(cast.ani).get(reverse("run_detail", args=[run.pk]))
    assert "tidak ada jawaban untuk variabel KEL" in listing.content.decode()


def test_a_run_with_the_instruments_own_scheme_recomputes(cast: Cast) -> None:
    """A scheme defined in the instrument file is stored as "custom" and recomputed from the
    run's own (immutable) instrument."""
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(version=3, min_respondents=MIN_RESPONDENTS)
    data["categories"] = {
        "kind": "equal_interval",
        "k": 2,
        "labels": [{"code": "rendah", "label": "Rendah"}, {"code": "tinggi", "label": "Tinggi"}],
    }
    spec = load_yaml(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    instrument = instruments.publish_instrument(
        actor=cast.ani, instrument=instruments.import_instrument(actor=cast.ani, spec=spec)
    )
    period = collection.open_period(
        actor=cast.ani,
        year=2027,
        name="IKOTAN 2027",
        instrument=instrument,
        opens_on=date(2027, 1, 1),
        closes_on=date(2027, 12, 31),
    )
    collection.assign_regencies(
        actor=cast.ani,
        period=period,
        regencies=list(Regency.objects.filter(code__in=PLAN)),
        deadline=date(2027, 12, 15),
    )
    answer_some(period, cast)
    run = runs.compute_run(actor=cast.ani, period=period, bootstrap=20)
    assert run.method["scheme"] == "custom"
    categories = set(run.results.exclude(category="").values_list("category", flat=True))
    assert categories <= {"rendah", "tinggi"} and categories
    assert runs.differences(run) == []


def test_a_run_refused_when_it_runs_fails_its_job_in_indonesian(
    answered: Period, cast: Cast
) -> None:
    # The page refuses at once; a job queued anyway (or whose period changed meanwhile) is
    # checked again when it runs, and says why.
    job = start_job(
        cast.ani, INDEX_RUN, "Perhitungan final", {"period": answered.pk, "final": True}
    )
    run_worker()
    job.refresh_from_db()
    assert job.status == "gagal" and "Perhitungan final hanya dapat dilakukan" in job.error
    assert (
        "Coba lagi"
        in client_for(cast.ani).get(reverse("job_detail", args=[job.pk])).content.decode()
    )
    assert not IndexRun.objects.exists()
