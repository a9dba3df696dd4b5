"""The admin site: users and groups (Django's own), the other addresses each user sends
from, and the logbook and audit trail to read (never to change)."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from gateway.review.models import AuditEntry, LogbookEntry, SenderAddress

# ModelAdmin is generic only in django-stubs; at run time it takes no type argument.
if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin


@admin.register(SenderAddress)
class SenderAddressAdmin(ModelAdmin):
    list_display = ("user", "address")
    search_fields = ("user__username", "address")


class ReadOnly(ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LogbookEntry)
class LogbookEntryAdmin(ReadOnly):
    list_display = ("decided_at", "kind", "lawful_reason", "decided_by", "person_told")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly):
    list_display = ("id", "at", "kind", "actor", "message_id", "outcome_id")
