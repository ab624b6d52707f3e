"""Forms that carry out an action with a reason (exclude, include, reject...)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from kotan.method.problems import ProblemsError


def act_with_reason(
    request: HttpRequest, form: forms.Form, act: Callable[[str], object], done: str
) -> bool:
    """For a valid form, ``act(reason)``; a refusal is put on the form's ``reason`` field.
    True when it was done (and ``done`` is shown to the user)."""
    if not form.is_valid():
        return False
    try:
        act(form.cleaned_data["reason"])
    except ProblemsError as exc:
        form.add_error("reason", [p.message() for p in exc.problems])
        return False
    messages.success(request, done)
    return True
