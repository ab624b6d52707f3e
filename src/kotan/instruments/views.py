from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import Capability, current_user, has_capability, require
from kotan.instruments import actions
from kotan.instruments.forms import CopyForm, InstrumentUploadForm
from kotan.instruments.models import Instrument
from kotan.instruments.queries import instrument_spec
from kotan.method.categories import CategoryScheme, FixedBands, get_scheme
from kotan.method.problems import ProblemsError
from kotan.method.spec import spec_digest
from kotan.method.spec_files import instrument_bytes, read_instrument_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible(request: HttpRequest) -> QuerySet[Instrument]:
    """Drafts are for the national admins who prepare them; everyone else sees published ones."""
    instruments = Instrument.objects.all()
    if not has_capability(request.user, Capability.MANAGE_INSTRUMENTS):
        instruments = instruments.exclude(status=Instrument.Status.DRAFT)
    return instruments


@require(Capability.VIEW_INSTRUMENTS)
def instrument_list(request: HttpRequest) -> HttpResponse:
    form = InstrumentUploadForm()
    problems: list[str] = []
    if request.method == "POST":
        if not has_capability(request.user, Capability.MANAGE_INSTRUMENTS):
            raise Http404
        form = InstrumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                spec = read_instrument_bytes(upload.name, upload.read())
                instrument = actions.import_instrument(actor=current_user(request), spec=spec)
            except ProblemsError as exc:
                problems = [p.message() for p in exc.problems]
            except ValidationError as exc:
                problems = list(exc.messages)
            else:
                messages.success(request, _("Instrumen disimpan sebagai draf."))
                return redirect("instrument_detail", pk=instrument.pk)
    return render(
        request,
        "instruments/list.html",
        {
            "instruments": _visible(request),
            "form": form,
            "problems": problems,
            "can_manage": has_capability(request.user, Capability.MANAGE_INSTRUMENTS),
        },
    )


def _scheme(categories: str | CategoryScheme) -> CategoryScheme | None:
    """The scheme an instrument names, to show its classes (None: an unknown name)."""
    if not isinstance(categories, str):
        return categories
    try:
        return get_scheme(categories)
    except ValueError:
        return None


@require(Capability.VIEW_INSTRUMENTS)
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(_visible(request), pk=pk)
    spec = instrument_spec(instrument)
    scheme = _scheme(spec.categories)
    digest = spec_digest(spec)
    return render(
        request,
        "instruments/detail.html",
        {
            "instrument": instrument,
            "spec": spec,
            # 64 hex digits, breakable every 16 on a narrow screen
            "digest_parts": [digest[i : i + 16] for i in range(0, len(digest), 16)],
            "scheme": scheme,
            "fixed_bands": isinstance(scheme, FixedBands),
            "copy_form": CopyForm(initial={"year": instrument.year + 1}),
            "can_manage": has_capability(request.user, Capability.MANAGE_INSTRUMENTS),
        },
    )


@require(Capability.VIEW_INSTRUMENTS)
def instrument_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("yaml", "xlsx"):
        raise Http404
    instrument = get_object_or_404(_visible(request), pk=pk)
    spec = instrument_spec(instrument)
    name = f"instrumen-{instrument.year}-v{instrument.version}.{fmt}"
    content_type = XLSX if fmt == "xlsx" else "application/yaml; charset=utf-8"
    response = HttpResponse(instrument_bytes(spec, name), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@require(Capability.MANAGE_INSTRUMENTS)
def instrument_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=pk)
    try:
        if action == "terbitkan":
            actions.publish_instrument(actor=current_user(request), instrument=instrument)
            messages.success(request, _("Instrumen diterbitkan; isinya kini tidak dapat diubah."))
        elif action == "kunci":
            actions.lock_instrument(actor=current_user(request), instrument=instrument)
            messages.success(request, _("Instrumen dikunci."))
        elif action == "salin":
            form = CopyForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Tahun tidak valid (2019–2100)."))
                return redirect("instrument_detail", pk=pk)
            copy = actions.copy_instrument(
                actor=current_user(request), instrument=instrument, year=form.cleaned_data["year"]
            )
            messages.success(request, _("Salinan draf untuk tahun baru dibuat."))
            return redirect("instrument_detail", pk=copy.pk)
        else:
            raise Http404
    except ProblemsError as exc:
        for problem in exc.problems:
            messages.error(request, problem.message())
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("instrument_detail", pk=pk)
