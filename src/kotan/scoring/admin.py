from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotan.scoring.models import IndexRun, RegencyResult


class ReadOnlyAdmin(admin.ModelAdmin):
    """Stored runs are immutable: the admin site only shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndexRun)
class IndexRunAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "period",
        "kind",
        "created_at",
        "created_by",
        "n_responses",
        "duration_ms",
    ]
    list_filter = ["kind", "period"]
    list_select_related = ["period", "created_by"]


@admin.register(RegencyResult)
class RegencyResultAdmin(ReadOnlyAdmin):
    list_display = ["run", "regency", "status", "index", "category", "rank_national"]
    list_filter = ["run", "status", "category"]
    list_select_related = ["run__period", "regency"]
    search_fields = ["regency__name", "regency__code"]
