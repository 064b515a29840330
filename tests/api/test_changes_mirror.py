"""A partner's mirror (an export, then the change feed) stays equal to a fresh export.

Random sequences of edits through the admin's and the importer's code paths,
scheduled publications reached by moving the clock (no sleeping) and pruning;
after every step the mirror follows the feed with the guide's own mirror code
(docs/examples/mirror.py) and must equal the published catalog exported anew.
"""

import datetime as dt
import importlib.util
import json
from decimal import Decimal
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from rest_framework.test import APIClient

from api.models import PartnerKey
from catalog import changes
from catalog.exporting import catalog_export
from catalog.importing import catalog_import
from catalog.models import LLMModel, Offering
from tests.catalog.adminforms import change_form_data
from tests.ops.stack import ROOT

pytestmark = pytest.mark.django_db

_spec = importlib.util.spec_from_file_location(
    "mirror", ROOT / "docs" / "examples" / "mirror.py"
)
mirror = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mirror)

PROVIDERS = ("alpha-cloud", "beta-host", "gamma-api")
SLUGS = ("model-a", "model-b", "model-c", "model-d")
VIA = st.sampled_from(["admin", "importer"])


def _offering_doc(provider: str, price: str) -> dict:
    return {
        "provider": provider,
        "input_price": price,
        "output_price": str(Decimal(price) * 4),
    }


class MirrorMachine(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.clock = timezone.now().replace(microsecond=0)
        self.clock_patch = mock.patch(
            "django.utils.timezone.now", side_effect=lambda: self.clock
        )
        self.clock_patch.start()
        catalog_import(
            document={
                "format": "catalog/1",
                "vendors": [{"slug": "acme", "name": "Acme"}],
                "providers": [{"slug": slug, "name": slug} for slug in PROVIDERS],
                "models": [
                    {
                        "slug": "model-a",
                        "name": "Model A",
                        "vendor": "acme",
                        "offerings": [_offering_doc("alpha-cloud", "1.00")],
                    },
                    {
                        "slug": "model-b",
                        "name": "Model B",
                        "vendor": "acme",
                        "offerings": [_offering_doc("beta-host", "2.00")],
                    },
                ],
                "comparisons": [{"models": ["model-a", "model-b"], "intro": "Hi."}],
            }
        )
        self.user = get_user_model().objects.create_superuser(
            "editor", "e@x.test", "pw"
        )
        self.admin = Client()
        key, secret = PartnerKey.objects.create_key(name="Mirror", rate="100000/hour")
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
        self.document = self.export()

    def teardown(self):
        if hasattr(self, "atomic"):
            self.clock_patch.stop()
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    # -- the partner ----------------------------------------------------------

    def export(self) -> dict:
        response = self.api.get("/api/v1/export/")
        assert response.status_code == HTTPStatus.OK
        return json.loads(b"".join(response.streaming_content))

    def follow(self) -> None:
        url = f"/api/v1/changes/?after={self.document['cursor']}&page_size=7"
        while url:
            response = self.api.get(url)
            if response.status_code == HTTPStatus.GONE:
                self.document = self.export()  # as the mirror script does
                return
            assert response.status_code == HTTPStatus.OK, response.content
            page = response.json()
            for change in page["results"]:
                mirror.apply_change(self.document, change)
            self.document["cursor"] = page["cursor"]
            url = page["next"]

    @invariant()
    def mirror_equals_a_fresh_export(self):
        if not hasattr(self, "document"):
            return
        self.follow()
        fresh = catalog_export(published_only=True)
        for document in (fresh, self.document):
            document.pop("exported_at", None)
        cursor = self.document.pop("cursor")
        fresh.pop("cursor")
        assert self.document == fresh
        self.document["cursor"] = cursor

    # -- editors --------------------------------------------------------------

    def backup(self) -> dict:
        document = catalog_export()
        document.pop("cursor")
        return document

    def model_doc(self, document: dict, slug: str) -> dict | None:
        return next((m for m in document["models"] if m["slug"] == slug), None)

    def admin_post(self, url: str, change) -> None:
        # Signed in anew: moving the clock by weeks ends a session.
        self.admin.force_login(self.user)
        data = change_form_data(self.admin.get(url))
        change(data)
        response = self.admin.post(url, data)
        assert response.status_code == HTTPStatus.FOUND, (
            response.context and response.context["adminform"].form.errors
        )

    def offering(self, slug: str, provider: str) -> Offering | None:
        return Offering.objects.filter(
            model__slug=slug, provider__slug=provider
        ).first()

    @rule(slug=st.sampled_from(SLUGS), provider=st.sampled_from(PROVIDERS))
    def create_model_by_import(self, slug, provider):
        document = self.backup()
        if self.model_doc(document, slug) is not None:
            return
        document["models"].append(
            {
                "slug": slug,
                "name": slug.title(),
                "vendor": "acme",
                "offerings": [_offering_doc(provider, "3.00")],
            }
        )
        catalog_import(document=document)

    @rule(
        via=VIA,
        slug=st.sampled_from(SLUGS),
        provider=st.sampled_from(PROVIDERS),
        cents=st.integers(1, 900),
    )
    def change_price(self, via, slug, provider, cents):
        offering = self.offering(slug, provider)
        price = f"{cents / 100:.2f}"
        if offering is None:
            return
        if via == "admin":
            url = reverse("admin:catalog_offering_change", args=[offering.pk])
            self.admin_post(url, lambda data: data.update(input_price=price))
        else:
            document = self.backup()
            for item in self.model_doc(document, slug)["offerings"]:
                if item["provider"] == provider:
                    item["input_price"] = price
            catalog_import(document=document)

    @rule(
        via=VIA,
        slug=st.sampled_from(SLUGS),
        provider=st.sampled_from(PROVIDERS),
        above=st.sampled_from([128_000, 200_000]),
    )
    def add_tier(self, via, slug, provider, above):
        offering = self.offering(slug, provider)
        if offering is None or offering.tiers.filter(above_tokens=above).exists():
            return
        if via == "admin":
            url = reverse("admin:catalog_offering_change", args=[offering.pk])

            def add(data):
                prefix = "tiers"
                index = int(data[f"{prefix}-TOTAL_FORMS"])
                data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
                data[f"{prefix}-{index}-above_tokens"] = str(above)
                data[f"{prefix}-{index}-input_price"] = "9.00"
                data[f"{prefix}-{index}-output_price"] = "18.00"
                data[f"{prefix}-{index}-offering"] = str(offering.pk)

            self.admin_post(url, add)
        else:
            document = self.backup()
            for item in self.model_doc(document, slug)["offerings"]:
                if item["provider"] == provider:
                    item["tiers"].append(
                        {
                            "above_tokens": above,
                            "input_price": "9.00",
                            "output_price": "18.00",
                        }
                    )
            catalog_import(document=document)

    @rule(via=VIA, slug=st.sampled_from(SLUGS), provider=st.sampled_from(PROVIDERS))
    def delete_offering(self, via, slug, provider):
        offering = self.offering(slug, provider)
        if offering is None:
            return
        if via == "admin":
            url = reverse("admin:catalog_offering_delete", args=[offering.pk])
            self.admin.force_login(self.user)
            response = self.admin.post(url, {"post": "yes"})
            assert response.status_code == HTTPStatus.FOUND
        else:
            document = self.backup()
            model = self.model_doc(document, slug)
            model["offerings"] = [
                o for o in model["offerings"] if o["provider"] != provider
            ]
            catalog_import(document=document, prune=True)

    def set_status(self, via, slug, status, publish_at=None) -> None:
        model = LLMModel.objects.filter(slug=slug).first()
        if model is None:
            return
        if via == "admin":
            url = reverse("admin:catalog_llmmodel_change", args=[model.pk])

            def edit(data):
                data["status"] = status
                local = timezone.localtime(publish_at) if publish_at else None
                data["publish_at_0"] = local.date().isoformat() if local else ""
                data["publish_at_1"] = local.strftime("%H:%M:%S") if local else ""

            self.admin_post(url, edit)
        else:
            document = self.backup()
            item = self.model_doc(document, slug)
            item["status"] = status
            item["publish_at"] = (
                publish_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                if publish_at
                else None
            )
            catalog_import(document=document)

    @rule(via=VIA, slug=st.sampled_from(SLUGS))
    def unpublish(self, via, slug):
        self.set_status(via, slug, "draft")

    @rule(via=VIA, slug=st.sampled_from(SLUGS))
    def publish(self, via, slug):
        self.set_status(via, slug, "published")

    @rule(via=VIA, slug=st.sampled_from(SLUGS), hours=st.integers(1, 48))
    def schedule(self, via, slug, hours):
        self.set_status(
            via, slug, "draft", publish_at=self.clock + dt.timedelta(hours=hours)
        )

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours):
        self.clock += dt.timedelta(hours=hours)

    @rule(days=st.sampled_from([1, 30, 95]))
    def prune(self, days):
        self.clock += dt.timedelta(days=days)
        changes.changes_prune()


def test_a_mirror_that_follows_the_feed_equals_a_fresh_export():
    run_state_machine_as_test(
        MirrorMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
