"""The lockout list of django-axes, with an "Unlock" action (superusers: deleting attempts needs that right)."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    actions = [*AccessAttemptAdmin.actions, "unlock"]

    @admin.action(description=_("Unlock: forget these failed logins"), permissions=["delete"])
    def unlock(self, request, queryset):
        pairs = sorted(
            {
                gettext("%(username)s from %(address)s") % {"username": a.username, "address": a.ip_address}
                for a in queryset
            }
        )
        queryset.delete()
        self.message_user(
            request,
            gettext("Unlocked %(who)s: they may log in again.") % {"who": ", ".join(pairs) or gettext("nothing")},
            messages.SUCCESS,
        )
        return None
