"""The review queue on the admin home page."""

from django import template
from django.urls import reverse

from catalog.services import review_queue_build, review_queue_extra_sections

register = template.Library()

# Where "see the full list" goes for each queue section: a filtered changelist.
MORE_LINKS = {
    "never-reviewed": ("admin:catalog_llmmodel_changelist", "review=never"),
    "review-stale": ("admin:catalog_llmmodel_changelist", "review=stale"),
    "prices-unchecked": ("admin:catalog_offering_changelist", "price_check=stale"),
}
REVIEW_SECTIONS = {"never-reviewed", "review-stale", "changed-since-review"}
# Short sections open by themselves; long ones stay folded under their count.
OPEN_SECTION_MAX = 10


@register.inclusion_tag("admin/catalog/review_queue.html", takes_context=True)
def review_queue(context) -> dict:
    """Build the queue for editors who can see models; nothing for anyone else."""
    request = context.get("request")
    if request is None or not request.user.has_perm("catalog.view_llmmodel"):
        return {"sections": []}
    can_review = request.user.has_perm("catalog.add_review")
    mark_reviewed = reverse("admin:catalog_llmmodel_mark_reviewed")
    sections = review_queue_build()
    for section in sections:
        name, query = MORE_LINKS.get(
            section.key, ("admin:catalog_llmmodel_changelist", "")
        )
        section.more_url = reverse(name) + (f"?{query}" if query else "")
        section.is_open = 0 < section.total <= OPEN_SECTION_MAX
        for entry in section.entries:
            if entry.offering is not None:
                entry.fix_url = reverse(
                    "admin:catalog_offering_change", args=[entry.offering.pk]
                )
            else:
                entry.fix_url = reverse(
                    "admin:catalog_llmmodel_change", args=[entry.model.pk]
                )
            entry.review_url = (
                f"{mark_reviewed}?ids={entry.model.pk}&next={reverse('admin:index')}"
                if can_review and section.key in REVIEW_SECTIONS
                else ""
            )
    # Other apps' sections come with their own links.
    for section in review_queue_extra_sections(user=request.user):
        section.is_open = 0 < section.total <= OPEN_SECTION_MAX
        sections.append(section)
    return {"sections": sections}
