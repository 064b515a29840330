"""Editors' additions to pair pages: curated comparisons and their FAQ entries.

The pairs themselves are derived (comparisons/derivation/); these rows only
add what an editor wrote. They were part of the catalog app once and keep its
table names (docs/architecture.md, "Moving a model to another app").
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from catalog.models import LLMModel, TimeStampedModel
from vocabulary.slugs import pair_slug


class ComparisonQuerySet(models.QuerySet):
    def for_pair(self, a_id: int, b_id: int) -> "ComparisonQuerySet":
        """The curated comparison of two models, by their ids, in either order."""
        return self.filter(
            Q(model_a_id=a_id, model_b_id=b_id) | Q(model_a_id=b_id, model_b_id=a_id)
        )


class Comparison(TimeStampedModel):
    """Editors' additions to one pair's page; any pair has a page without one."""

    model_a = models.ForeignKey(LLMModel, on_delete=models.CASCADE, related_name="+")
    model_b = models.ForeignKey(LLMModel, on_delete=models.CASCADE, related_name="+")
    is_featured = models.BooleanField(
        "featured",
        default=False,
        help_text="Featured pairs lead the home page and related links.",
    )
    intro = models.TextField(
        blank=True, help_text="Replaces the generated intro. Markdown."
    )
    verdict = models.TextField(
        blank=True, help_text="Replaces the generated one-line verdict."
    )
    facts_record = models.JSONField(
        "facts the text was written against",
        null=True,
        blank=True,
        editable=False,
        help_text="Recorded whenever the comparison is saved or marked reviewed. "
        "If any of these facts changes, readers see the generated text instead "
        "until an editor reviews the curated text again.",
    )
    reviewed_at = models.DateTimeField(
        "text last reviewed", null=True, blank=True, editable=False
    )
    reviewed_by = models.CharField(
        "text last reviewed by", max_length=200, blank=True, editable=False
    )

    objects = ComparisonQuerySet.as_manager()
    # The revisions' table keeps the name it had in the catalog app.
    history = HistoricalRecords(table_name="catalog_historicalcomparison")

    class Meta:
        # Tables made when these models were part of the catalog app; their
        # rows stayed where they were when the models moved here.
        db_table = "catalog_comparison"
        verbose_name = "curated comparison"
        ordering = ("-is_featured", "model_a__name", "model_b__name")
        constraints = [
            models.CheckConstraint(
                condition=~Q(model_a=models.F("model_b")),
                name="comparison_of_two_models",
            ),
            models.UniqueConstraint(
                Least("model_a", "model_b"),
                Greatest("model_a", "model_b"),
                name="one_comparison_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_a} vs {self.model_b}"

    def save(self, *args, **kwargs) -> None:
        # Keep the pair in canonical order (slugs in code-point order).
        if (
            self.model_a_id
            and self.model_b_id
            and self.model_a.slug > self.model_b.slug
        ):
            self.model_a, self.model_b = self.model_b, self.model_a
        if self.facts_record is None and self.model_a_id and self.model_b_id:
            # New text is written against the facts of today: record them, so
            # that a later change withholds it. Imported here: the services
            # read this module.
            from comparisons.services.curated import curated_facts_read

            self.facts_record = curated_facts_read(
                model_a=self.model_a, model_b=self.model_b
            )
            if self.reviewed_at is None:
                self.reviewed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "facts_record",
                    "reviewed_at",
                }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "comparisons:pair", args=[pair_slug(self.model_a.slug, self.model_b.slug)]
        )

    def clean(self) -> None:
        if self.model_a_id and self.model_a_id == self.model_b_id:
            raise ValidationError({"model_b": "Choose two different models."})
        if self.model_a_id and self.model_b_id:
            clash = Comparison.objects.filter(
                Q(model_a_id=self.model_a_id, model_b_id=self.model_b_id)
                | Q(model_a_id=self.model_b_id, model_b_id=self.model_a_id)
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError("This pair already has a curated comparison.")


class ComparisonFAQ(models.Model):
    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="faq_entries"
    )
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower comes first."
    )

    class Meta:
        db_table = "catalog_comparisonfaq"
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
        ordering = ("comparison", "position", "id")

    def __str__(self) -> str:
        return self.question
