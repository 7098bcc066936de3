"""The lockout list of django-axes, with an "Unlock" action (superusers: deleting attempts needs that right)."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.text import format_lazy

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    actions = [*AccessAttemptAdmin.actions, "unlock"]

    @admin.action(description="Unlock: forget these failed logins", permissions=["delete"])
    def unlock(self, request, queryset):
        pairs = sorted({f"{a.username} from {a.ip_address}" for a in queryset})
        queryset.delete()
        self.message_user(
            request,
            format_lazy("Unlocked {}: they may log in again.", ", ".join(pairs) or "nothing"),
            messages.SUCCESS,
        )
        return None
