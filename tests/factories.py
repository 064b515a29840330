"""factory_boy factories for the catalog: small, composable test data."""

from decimal import Decimal

import factory

from catalog import models
from comparisons import models as curated
from upstream import models as upstream_models


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Vendor
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"vendor-{n}")
    name = factory.Sequence(lambda n: f"Vendor {n}")
    website = "https://vendor.example.com"


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Provider
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"provider-{n}")
    name = factory.Sequence(lambda n: f"Provider {n}")
    website = "https://provider.example.com"


class BenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Benchmark
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"bench-{n}")
    name = factory.Sequence(lambda n: f"Bench {n}")
    unit = "%"
    higher_is_better = True


class LLMModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LLMModel

    slug = factory.Sequence(lambda n: f"model-{n}")
    name = factory.Sequence(lambda n: f"Model {n}")
    vendor = factory.SubFactory(VendorFactory)
    status = models.LLMModel.Status.PUBLISHED
    release_date = "2025-04-01"
    context_window = 128_000
    license = "Proprietary"
    open_weights = False


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Offering

    model = factory.SubFactory(LLMModelFactory)
    provider = factory.SubFactory(ProviderFactory)
    input_price = Decimal("1.00")
    output_price = Decimal("4.00")
    source_url = "https://provider.example.com/pricing"
    checked_on = factory.Faker("date_between", start_date="-30d", end_date="today")


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Score

    model = factory.SubFactory(LLMModelFactory)
    benchmark = factory.SubFactory(BenchmarkFactory)
    value = Decimal("50.0")
    source_url = "https://bench.example.com/results"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Review

    model = factory.SubFactory(LLMModelFactory)
    reviewed_on = factory.Faker("date_between", start_date="-60d", end_date="today")
    reviewer = "Versus editorial team"
    summary = "Checked against the vendor's documentation."
    sources = ["https://vendor.example.com/docs"]


class ComparisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = curated.Comparison

    model_a = factory.SubFactory(LLMModelFactory)
    model_b = factory.SubFactory(LLMModelFactory)


class ChangeSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = upstream_models.ChangeSet

    source = "models.dev"


class UpstreamChangeFactory(factory.django.DjangoModelFactory):
    """A pending upstream price change on one offering."""

    class Meta:
        model = upstream_models.UpstreamChange

    change_set = factory.SubFactory(ChangeSetFactory)
    source = "models.dev"
    kind = upstream_models.UpstreamChange.Kind.FIELD
    topic = upstream_models.UpstreamChange.Topic.PRICE
    offering = factory.SubFactory(OfferingFactory)
    model = factory.SelfAttribute("offering.model")
    subject = factory.LazyAttribute(lambda o: str(o.offering))
    vendor_slug = factory.LazyAttribute(lambda o: o.offering.model.vendor.slug)
    provider_slug = factory.LazyAttribute(lambda o: o.offering.provider.slug)
    field = "input_price"
    old_value = "1.00"
    new_value = "0.80"
