"""Partner keys in the admin: issued there, shown once, then kept as a hash."""

from django.contrib import admin
from django.template.response import TemplateResponse
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from api.models import PartnerKey

# The library's own key model is unused (partners get PartnerKey): keep it out of
# the admin so nobody issues a key that the API would not accept.
admin.site.unregister(APIKey)


@admin.register(PartnerKey)
class PartnerKeyAdmin(APIKeyModelAdmin):
    """Keys are shown once, on the page that answers their creation, then kept as a hash."""

    list_display = (*APIKeyModelAdmin.list_display, "rate")
    search_fields = ("name", "prefix")

    def save_model(self, request, obj, form, change) -> None:
        # The library puts the new key in a message, i.e. in the messages
        # cookie, which is signed but readable: keep it on the object instead,
        # for response_add to show on the page and nowhere else.
        if not obj.pk:  # the key's id is its prefix and hash, made by assign_key
            obj._new_key = PartnerKey.objects.assign_key(obj)
        obj.save()

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(obj, "_new_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "partner_key": obj,
            "key": key,
        }
        response = TemplateResponse(
            request, "admin/api/partnerkey/key_created.html", context
        )
        # Not kept by the browser or any cache: the page is the key.
        response["Cache-Control"] = "no-store, private"
        return response
