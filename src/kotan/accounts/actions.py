"""Every write to organisations and users: atomic, validated, audited (django-auditlog)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kotan.accounts.models import Contact, Organization, Role, User
from kotan.accounts.passwords import send_set_password_email
from kotan.accounts.permissions import Capability, has_capability
from kotan.accounts.scoping import Level, scope_queryset, user_scope
from kotan.regions.models import Province, Regency


@contextmanager
def acting_as(actor: User | None) -> Iterator[None]:
    """Attribute audit records written inside the block to ``actor`` (None: the system)."""
    if actor is None:
        yield
    else:
        with set_actor(actor):
            yield


@transaction.atomic
def create_organization(
    *,
    actor: User | None,
    name: str,
    kind: str,
    sector: str = Organization.Sector.BNN,
    province: Province | None = None,
    regency: Regency | None = None,
    covered_regencies: Iterable[Regency] = (),
) -> Organization:
    if regency is not None and province is None:
        province = regency.province
    org = Organization(name=name, kind=kind, sector=sector, province=province, regency=regency)
    org.full_clean()
    covered = list(covered_regencies)
    if kind == Organization.Kind.BNNK and regency is not None and regency not in covered:
        covered.insert(0, regency)
    org.check_coverage(covered)
    with acting_as(actor):
        org.save()
        if covered:
            org.covered_regencies.add(*covered)
    return org


@transaction.atomic
def ensure_bnn_offices(*, actor: User | None) -> list[Organization]:
    """BNN RI and one BNNP per province, created when missing (idempotent); returns the new ones.

    BNNK offices are not derived: which regencies have one is BNN's own, changing record, so
    they are added by hand (admin site), with the regencies they cover.
    """
    created = []
    if not Organization.objects.filter(kind=Organization.Kind.BNN_RI).exists():
        created.append(
            create_organization(actor=actor, name="BNN RI", kind=Organization.Kind.BNN_RI)
        )
    have = set(
        Organization.objects.filter(kind=Organization.Kind.BNNP).values_list(
            "province_id", flat=True
        )
    )
    for province in Province.objects.exclude(pk__in=have).order_by("code"):
        created.append(
            create_organization(
                actor=actor,
                name=f"BNNP {province.name}",
                kind=Organization.Kind.BNNP,
                province=province,
            )
        )
    return created


@transaction.atomic
def set_bnnk_coverage(
    *, actor: User | None, bnnk: Organization, regencies: Iterable[Regency]
) -> None:
    """Replace the regencies a BNNK covers (the rest fall back to the BNNP)."""
    wanted = list(regencies)
    if bnnk.kind != Organization.Kind.BNNK:  # an empty list is no excuse for a BNNP
        raise ValidationError(Organization.ONLY_BNNK_COVERS)
    bnnk.check_coverage(wanted)
    with acting_as(actor):
        bnnk.covered_regencies.set(wanted)


# --- accounts of the own region ---------------------------------------------------------------

# What a BNNP or BNNK operator may create and manage; operators and admins are the centre's.
OPERATOR_MANAGED_ROLES: tuple[str, ...] = (Role.ENUMERATOR, Role.FOCAL_POINT, Role.VIEWER)
MAX_REASON = 500


def manageable_roles(actor: User) -> list[str]:
    """The roles ``actor`` may give and manage: all for the national admin, the field roles
    for an operator with MANAGE_ACCOUNTS, none for anyone else."""
    if actor.role == Role.NATIONAL_ADMIN and has_capability(actor, Capability.MANAGE_ACCOUNTS):
        return list(Role.values)
    if has_capability(actor, Capability.MANAGE_ACCOUNTS):
        return list(OPERATOR_MANAGED_ROLES)
    return []


def _region_in_scope(actor: User, province: Province | None, regency: Regency | None) -> bool:
    """Whether an account with this region would be in ``actor``'s scope (the same rule as
    ``scope_queryset`` on users, so what an operator creates is what it then sees)."""
    scope = user_scope(actor)
    if scope.level == Level.NATIONAL:
        return True
    if regency is not None:
        return scope.covers_regency(regency.pk, regency.province_id)
    return (
        scope.level == Level.PROVINCE and province is not None and province.pk in scope.province_ids
    )


def _organization_in_scope(actor: User, organization: Organization) -> bool:
    return scope_queryset(actor, Organization.objects.filter(pk=organization.pk)).exists()


def check_account_rules(
    actor: User,
    *,
    role: str,
    province: Province | None,
    regency: Regency | None,
    organization: Organization | None,
) -> None:
    """May ``actor`` give an account this role and region? PermissionDenied without the
    capability, ValidationError (in Bahasa Indonesia) for a role or region beyond it."""
    roles = manageable_roles(actor)
    if not roles:
        raise PermissionDenied
    if role not in roles:
        raise ValidationError(
            {
                "role": _(
                    "Anda hanya dapat mengelola akun enumerator, focal point dan pemantau. "
                    "Akun operator dan admin dibuat oleh admin nasional."
                )
            }
        )
    if not _region_in_scope(actor, province, regency):
        raise ValidationError(
            {"regency": _("Wilayah ini di luar cakupan Anda. Pilih wilayah Anda sendiri.")}
        )
    if organization is not None and not _organization_in_scope(actor, organization):
        raise ValidationError({"organization": _("Organisasi ini di luar cakupan Anda.")})


def check_may_manage(actor: User, user: User) -> None:
    """May ``actor`` deactivate, reactivate or send a link to ``user``? Never to oneself."""
    if not has_capability(actor, Capability.MANAGE_ACCOUNTS):
        raise PermissionDenied
    if actor.pk == user.pk:
        raise ValidationError(
            _("Anda tidak dapat mengubah status akun Anda sendiri. Mintalah operator lain.")
        )
    if not scope_queryset(actor, User.objects.filter(pk=user.pk)).exists():
        raise PermissionDenied
    if user.role not in manageable_roles(actor):
        raise ValidationError(
            _("Akun %(role)s hanya dapat dikelola oleh admin nasional.")
            % {"role": user.get_role_display()}
        )


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    email: str = "",
    organization: Organization | None = None,
    province: Province | None = None,
    regency: Regency | None = None,
) -> User:
    """Create an account with one role and one scope; the region follows the role.

    A person acting (``actor``) must be allowed the role and region (``check_account_rules``);
    ``None`` is the system (setup, demo, tests)."""
    if regency is not None and province is None:
        province = regency.province
    # "Rina" next to "rina": two accounts people cannot tell apart when an operator reads a
    # name over the phone, and one signs in as the other with a slip of the shift key.
    if User.objects.filter(username__iexact=username.strip()).exists():
        raise ValidationError(
            {
                "username": _(
                    "Nama pengguna ini sudah dipakai akun lain (huruf besar dan kecil tidak "
                    "dibedakan). Pilih nama lain."
                )
            }
        )
    if actor is not None:
        check_account_rules(
            actor, role=role, province=province, regency=regency, organization=organization
        )
    user = User(
        username=username,
        email=email,
        full_name=full_name,
        role=role,
        organization=organization,
        province=province,
        regency=regency,
        is_staff=role == Role.NATIONAL_ADMIN,
        is_superuser=role == Role.NATIONAL_ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()  # User.clean: the scope follows the role
    with acting_as(actor):
        user.save()
    return user


@transaction.atomic
def invite_user(
    *,
    actor: User,
    base_url: str,
    username: str,
    role: str,
    full_name: str,
    email: str,
    organization: Organization | None = None,
    province: Province | None = None,
    regency: Regency | None = None,
) -> User:
    """A new account of the actor's region with no password yet, and an invitation email with
    a set-password link (queued in the same transaction: no account without its invitation)."""
    if not email.strip():
        raise ValidationError({"email": _("Email wajib diisi: undangan dikirim ke alamat ini.")})
    user = create_user(
        actor=actor,
        username=username,
        password=None,
        role=role,
        full_name=full_name,
        email=email.strip(),
        organization=organization,
        province=province,
        regency=regency,
    )
    send_set_password_email(user, base_url, invitation=True, extra={"inviter": actor})
    _log_link(actor, user, _("undangan dikirim ke %(email)s") % {"email": user.email})
    return user


def _log_link(actor: User | None, user: User, what: str) -> None:
    # Sending a link changes no field of the account: the fact is recorded explicitly.
    LogEntry.objects.log_create(
        user,
        action=LogEntry.Action.ACCESS,
        changes={str(_("tautan atur kata sandi")): ["", what]},
        actor=actor,
        force_log=True,
    )


@transaction.atomic
def send_password_reset(*, actor: User, user: User, base_url: str) -> None:
    """An operator sends a set-password link to an account of its region."""
    check_may_manage(actor, user)
    if not user.is_active:
        raise ValidationError(_("Akun ini nonaktif. Aktifkan dulu sebelum mengirim tautan."))
    if not user.email:
        raise ValidationError(_("Akun ini tidak punya alamat email. Hubungi admin nasional."))
    send_set_password_email(user, base_url, invitation=False)
    _log_link(actor, user, _("tautan atur ulang dikirim ke %(email)s") % {"email": user.email})


def _add_reason(user: User, reason: str) -> None:
    """Put the reason into the audit entry the change just wrote, so one row says both."""
    entry = LogEntry.objects.get_for_object(user).order_by("-pk").first()
    if entry is not None and reason:
        changes = entry.changes_dict
        changes[str(_("alasan"))] = ["", reason]
        entry.changes = changes
        entry.save(update_fields=["changes"])


def _clean_reason(reason: str, *, required: bool) -> str:
    text = reason.strip()
    if required and not text:
        raise ValidationError({"reason": _("Tuliskan alasannya.")})
    if len(text) > MAX_REASON:
        raise ValidationError(
            {"reason": _("Alasan paling banyak %(n)d karakter.") % {"n": MAX_REASON}}
        )
    return text


def _set_active(actor: User | None, user: User, *, active: bool, reason: str) -> None:
    if actor is not None:
        check_may_manage(actor, user)
        # The centre may act without a word; an operator says why it closes an account.
        needed = not active and actor.role != Role.NATIONAL_ADMIN
        reason = _clean_reason(reason, required=needed)
    if user.is_active == active:
        if actor is None:
            return  # the system repeating itself: nothing to do
        raise ValidationError(
            _("Akun ini sudah aktif.") if active else _("Akun ini sudah nonaktif.")
        )
    user.is_active = active
    with acting_as(actor):
        user.save(update_fields=["is_active"])
    _add_reason(user, reason)


@transaction.atomic
def deactivate_user(*, actor: User | None, user: User, reason: str = "") -> None:
    """Accounts are deactivated, never deleted: the audit trail keeps pointing at them.

    A person acting must be allowed to manage the account (``check_may_manage``) and give a
    reason, which the audit trail keeps with the change."""
    _set_active(actor, user, active=False, reason=reason)


@transaction.atomic
def reactivate_user(*, actor: User | None, user: User, reason: str = "") -> None:
    """Undo a deactivation (the same rules; the reason is optional)."""
    _set_active(actor, user, active=True, reason=reason)


# --- contacts -----------------------------------------------------------------------------------


def _check_contacts_of(actor: User | None, organization: Organization) -> None:
    """A person acting needs MANAGE_CONTACTS and the organisation in scope (else 403/404)."""
    if actor is None:
        return
    if not has_capability(actor, Capability.MANAGE_CONTACTS):
        raise PermissionDenied
    if not _organization_in_scope(actor, organization):
        raise PermissionDenied


CONTACT_FIELDS = ("name", "position", "email", "whatsapp", "note", "is_active")


@transaction.atomic
def add_contact(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    position: str = "",
    email: str = "",
    whatsapp: str = "",
    note: str = "",
) -> Contact:
    """A focal person of an organisation; the WhatsApp number is stored as +62..."""
    _check_contacts_of(actor, organization)
    contact = Contact(
        organization=organization,
        name=name,
        position=position.strip(),
        email=email.strip(),
        whatsapp=whatsapp,
        note=note.strip(),
    )
    contact.full_clean()
    with acting_as(actor):
        contact.save()
    return contact


@transaction.atomic
def update_contact(*, actor: User | None, contact: Contact, **fields: object) -> Contact:
    """Change a contact's name, position, email, WhatsApp, note or active flag."""
    _check_contacts_of(actor, contact.organization)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"not contact fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(contact, name, value.strip() if isinstance(value, str) else value)
    contact.full_clean()
    with acting_as(actor):
        contact.save()
    return contact


@transaction.atomic
def deactivate_contact(*, actor: User | None, contact: Contact) -> None:
    """A contact who left is kept (messages sent to them stay readable), but no longer used."""
    _check_contacts_of(actor, contact.organization)
    if contact.is_active:
        contact.is_active = False
        with acting_as(actor):
            contact.save(update_fields=["is_active", "updated_at"])
