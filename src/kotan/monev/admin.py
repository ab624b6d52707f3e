"""The managed list of obstacle themes is kept in the admin site (national admins)."""

from __future__ import annotations

from django.contrib import admin

from kotan.monev.models import Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]
