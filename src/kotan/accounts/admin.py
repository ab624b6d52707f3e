from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotan.accounts.models import Contact, Organization, User


class OrganizationAdminForm(forms.ModelForm):
    """The admin site goes through the same coverage rule as the actions."""

    class Meta:
        model = Organization
        fields = ["name", "kind", "sector", "province", "regency", "covered_regencies", "is_active"]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        regencies = cleaned.get("covered_regencies")
        if regencies is not None:
            org = Organization(
                pk=self.instance.pk,
                kind=cleaned.get("kind", ""),
                province=cleaned.get("province"),
                regency=cleaned.get("regency"),
            )
            try:
                org.check_coverage(regencies)
            except ValidationError as error:
                self.add_error("covered_regencies", error)
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "kind", "sector", "province", "regency", "is_active"]
    list_filter = ["kind", "sector", "is_active", "province"]
    search_fields = ["name"]
    list_select_related = ["province", "regency"]
    autocomplete_fields = ["province", "regency", "covered_regencies"]


@admin.register(User)
class KotanUserAdmin(UserAdmin):
    list_display = [
        "username",
        "full_name",
        "role",
        "organization",
        "province",
        "regency",
        "is_active",
    ]
    list_filter = ["role", "is_active", "province"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["organization", "province", "regency"]
    autocomplete_fields = ["organization", "province", "regency"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data diri"), {"fields": ("full_name", "email", "phone")}),
        (_("Peran dan cakupan"), {"fields": ("role", "organization", "province", "regency")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Waktu"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (
            _("Peran dan cakupan"),
            {"fields": ("full_name", "email", "role", "organization", "province", "regency")},
        ),
    )


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """The model's clean (one of email or WhatsApp, the number as +62) runs here too."""

    list_display = ["name", "organization", "position", "email", "whatsapp", "is_active"]
    list_filter = ["is_active", "organization__kind", "organization__province"]
    search_fields = ["name", "email", "whatsapp", "organization__name"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["created_at", "updated_at"]
