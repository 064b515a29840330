"""Build a realistic random catalog, the same one for the same seed, for benchmarks."""

import datetime as dt
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from catalog.cache import bump_catalog_version
from catalog.extensions import generated_rows
from catalog.models import (
    Benchmark,
    LLMModel,
    Offering,
    PriceTier,
    Provider,
    Review,
    Score,
    Vendor,
)

NOT_EMPTY_MESSAGE = (
    "The catalog already has {count} models. Generate into an empty database, "
    "or pass --replace to delete the catalog first."
)
MODELS_MESSAGE = "--models must be between 2 and 100,000."

SYLLABLES = (
    "al", "ar", "bo", "cy", "da", "el", "fi", "ga", "hy", "io", "ka", "lu", "mi",
    "no", "or", "pe", "qu", "ra", "si", "ta", "ul", "ve", "wo", "xe", "yo", "ze",
)  # fmt: skip
FAMILIES = (
    "Nova", "Atlas", "Sage", "Quill", "Orion", "Lumen", "Vega", "Cobalt", "Echo",
    "Helix", "Pico", "Strata", "Tempo", "Zephyr", "Aria", "Flint", "Juno", "Krait",
)  # fmt: skip
SIZES = (
    ("Nano", 3, 0.05), ("Mini", 8, 0.25), ("Small", 24, 0.6), ("", 70, 2.0),
    ("Pro", 200, 5.0), ("Ultra", 600, 15.0),
)  # fmt: skip
PROVIDERS = (
    ("openrouter", "OpenRouter"), ("together", "Together AI"), ("fireworks", "Fireworks AI"),
    ("groq", "Groq"), ("deepinfra", "DeepInfra"), ("azure", "Azure AI Foundry"),
    ("bedrock", "Amazon Bedrock"), ("vertex", "Google Vertex AI"), ("cerebras", "Cerebras"),
    ("nebius", "Nebius AI Studio"), ("novita", "Novita AI"), ("replicate", "Replicate"),
)  # fmt: skip
# (slug, name, unit, typical range for a mid-size model)
BENCHMARKS = (
    ("mmlu-pro", "MMLU-Pro", "%", 55, 85),
    ("gpqa-diamond", "GPQA Diamond", "%", 35, 80),
    ("swe-bench-verified", "SWE-bench Verified", "%", 20, 72),
    ("aime-2025", "AIME 2025", "%", 10, 90),
    ("livecodebench", "LiveCodeBench", "%", 25, 75),
    ("humaneval", "HumanEval", "%", 60, 95),
    ("arena-elo", "Chatbot Arena", "elo", 1150, 1450),
)
LICENSES = ("Proprietary", "Apache 2.0", "MIT", "Llama Community License")


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.4f}").normalize()


class Generator:
    """Everything drawn from one random.Random, so a seed fixes the whole catalog."""

    def __init__(self, *, models: int, seed: int) -> None:
        self.count = models
        self.rng = random.Random(seed)
        self.today = timezone.localdate()

    def name(self, syllables: int) -> str:
        return "".join(
            self.rng.choice(SYLLABLES) for _ in range(syllables)
        ).capitalize()

    def day_within(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(0, days))

    def vendors(self) -> list[Vendor]:
        vendors, seen = [], set()
        while len(vendors) < max(2, round(self.count / 20)):
            name = f"{self.name(self.rng.randint(2, 3))} {self.rng.choice(['AI', 'Labs', 'Research'])}"
            slug = name.lower().replace(" ", "-")
            if slug in seen:
                continue
            seen.add(slug)
            vendors.append(
                Vendor(
                    slug=slug,
                    name=name,
                    website=f"https://{slug}.example.com",
                    description=f"{name} trains general-purpose language models.",
                )
            )
        return Vendor.objects.bulk_create(vendors)

    def providers(self) -> list[Provider]:
        return Provider.objects.bulk_create(
            Provider(
                slug=slug,
                name=name,
                website=f"https://{slug}.example.com",
                description=f"{name} serves open and proprietary models through one API.",
            )
            for slug, name in PROVIDERS
        )

    def benchmarks(self) -> list[Benchmark]:
        return Benchmark.objects.bulk_create(
            Benchmark(
                slug=slug,
                name=name,
                unit=unit,
                higher_is_better=True,
                url=f"https://benchmarks.example.com/{slug}",
                description=f"{name}, as reported by the vendor or measured independently.",
            )
            for slug, name, unit, _low, _high in BENCHMARKS
        )

    def models(self, vendors: list[Vendor]) -> list[LLMModel]:
        rng, models = self.rng, []
        now = timezone.now()
        for index in range(self.count):
            vendor = vendors[index % len(vendors)]
            size, params, _price = rng.choice(SIZES)
            version = f"{rng.randint(1, 5)}.{rng.randint(0, 9)}"
            family = rng.choice(FAMILIES)
            name = " ".join(part for part in (family, version, size) if part)
            slug = f"{vendor.slug}-{name.lower().replace(' ', '-').replace('.', '-')}-{index}"
            open_weights = rng.random() < 0.3
            vision = rng.random() < 0.5
            status, publish_at = LLMModel.Status.PUBLISHED, None
            if rng.random() < 0.03:
                status = LLMModel.Status.DRAFT
                if rng.random() < 0.5:
                    publish_at = now + dt.timedelta(days=rng.randint(1, 30))
            lifecycle = rng.choices(
                list(LLMModel.Lifecycle), weights=(5, 80, 10, 5), k=1
            )[0]
            released = self.today - dt.timedelta(days=rng.randint(30, 900))
            models.append(
                LLMModel(
                    slug=slug,
                    name=f"{vendor.name.split()[0]} {name}",
                    vendor=vendor,
                    status=status,
                    publish_at=publish_at,
                    release_date=released.isoformat()
                    if rng.random() < 0.8
                    else released.strftime("%Y-%m"),
                    knowledge_cutoff=(
                        released - dt.timedelta(days=rng.randint(60, 300))
                    ).strftime("%Y-%m"),
                    context_window=rng.choice(
                        (8_192, 32_768, 128_000, 200_000, 1_000_000)
                    ),
                    max_output_tokens=rng.choice(
                        (4_096, 8_192, 16_384, 32_768, 65_536)
                    ),
                    parameters_billions=Decimal(params) if open_weights else None,
                    architecture="Mixture of experts"
                    if rng.random() < 0.3
                    else "Dense transformer",
                    license=rng.choice(LICENSES[1:]) if open_weights else LICENSES[0],
                    open_weights=open_weights,
                    input_modalities=["text", "image"] if vision else ["text"],
                    output_modalities=["text"],
                    vision=vision,
                    multimodal=vision,
                    reasoning=rng.random() < 0.4,
                    function_calling=rng.random() < 0.8,
                    tool_use=rng.random() < 0.7,
                    structured_outputs=rng.choice((True, False, None)),
                    code_execution=rng.choice((True, False, None)),
                    description=f"{name} is a {size.lower() or 'general'} model from {vendor.name}.",
                    lifecycle=lifecycle,
                    deprecation_date=(
                        self.today - dt.timedelta(days=rng.randint(1, 200))
                        if lifecycle == LLMModel.Lifecycle.RETIRED
                        else None
                    ),
                )
            )
        return LLMModel.objects.bulk_create(models, batch_size=500)

    def offerings(
        self, models: list[LLMModel], providers: list[Provider]
    ) -> list[Offering]:
        rng, offerings = self.rng, []
        base_prices = {size: price for size, _params, price in SIZES}
        for model in models:
            size = next((s for s in base_prices if s and model.name.endswith(s)), "")
            base = base_prices[size] * rng.uniform(0.5, 2.0)
            for provider in rng.sample(providers, rng.randint(1, 5)):
                input_price = base * rng.uniform(0.8, 1.3)
                unknown = rng.random() < 0.03
                offerings.append(
                    Offering(
                        model=model,
                        provider=provider,
                        provider_model_id=f"{provider.slug}/{model.slug}",
                        input_price=None if unknown else _money(input_price),
                        output_price=None
                        if unknown
                        else _money(input_price * rng.choice((2, 3, 4, 5))),
                        cached_input_price=_money(input_price / 4)
                        if rng.random() < 0.4
                        else None,
                        is_available=rng.random() > 0.05,
                        url=f"https://{provider.slug}.example.com/models/{model.slug}",
                        source_url=f"https://{provider.slug}.example.com/pricing",
                        checked_on=self.day_within(150),
                    )
                )
        return Offering.objects.bulk_create(offerings, batch_size=1000)

    def tiers(self, offerings: list[Offering]) -> list[PriceTier]:
        tiers = [
            PriceTier(
                offering=offering,
                above_tokens=200_000,
                input_price=offering.input_price * 2,
                output_price=offering.output_price * Decimal("1.5"),
            )
            for offering in offerings
            if offering.input_price is not None and self.rng.random() < 0.1
        ]
        return PriceTier.objects.bulk_create(tiers, batch_size=1000)

    def scores(
        self, models: list[LLMModel], benchmarks: list[Benchmark]
    ) -> list[Score]:
        rng, scores = self.rng, []
        for model in models:
            skill = rng.uniform(-1, 1)
            for benchmark, (_slug, _name, _unit, low, high) in zip(
                benchmarks, BENCHMARKS, strict=True
            ):
                if rng.random() > 0.6:
                    continue
                middle = (low + high) / 2
                value = middle + skill * (high - low) / 2 + rng.uniform(-3, 3)
                value = min(max(value, 0), 100) if benchmark.unit == "%" else value
                scores.append(
                    Score(
                        model=model,
                        benchmark=benchmark,
                        value=Decimal(f"{value:.1f}"),
                        is_verified=rng.random() < 0.3,
                        source_url=f"https://benchmarks.example.com/{benchmark.slug}/results",
                        measured_on=self.day_within(300),
                    )
                )
        return Score.objects.bulk_create(scores, batch_size=1000)

    def reviews(self, models: list[LLMModel]) -> list[Review]:
        rng, reviews = self.rng, []
        for model in models:
            for days_ago in sorted(rng.sample(range(1, 400), rng.choice((0, 1, 1, 2)))):
                reviews.append(
                    Review(
                        model=model,
                        reviewed_on=self.today - dt.timedelta(days=days_ago),
                        reviewer="Versus editorial team",
                        summary=f"Checked {model.name} against its documentation.",
                        body=(
                            f"We read the vendor's notes on **{model.name}** and compared "
                            "its stated limits with what providers list."
                        ),
                        sources=[f"{model.vendor.website}/docs/{model.slug}"],
                    )
                )
        return Review.objects.bulk_create(reviews, batch_size=1000)


def delete_catalog() -> None:
    # Other apps' rows hang on models (catalog/extensions.py): theirs go first.
    for rows in generated_rows():
        rows.delete()
    LLMModel.objects.all().delete()
    for model in (Vendor, Provider, Benchmark):
        model.objects.all().delete()


class Command(BaseCommand):
    help = "Build a realistic random catalog for benchmarks and tests; a seed gives the same catalog."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--models", type=int, default=1000, help="How many LLM models."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete the existing catalog first."
        )

    def handle(self, *args, models: int, seed: int, replace: bool, **options) -> None:
        if not 2 <= models <= 100_000:
            raise CommandError(MODELS_MESSAGE)
        started = time.perf_counter()
        with transaction.atomic():
            existing = LLMModel.objects.count()
            if existing and not replace:
                raise CommandError(NOT_EMPTY_MESSAGE.format(count=existing))
            if replace:
                delete_catalog()
            counts = self.generate(Generator(models=models, seed=seed))
        # bulk_create sends no signals: one bump makes every cached page stale.
        bump_catalog_version()
        self.analyze()
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary} in {time.perf_counter() - started:.1f}s."
            )
        )

    @staticmethod
    def analyze() -> None:
        """Give the query planner statistics now, not whenever autovacuum wakes.

        Without them PostgreSQL takes the fresh tables for empty and picks plans
        (nested loops over "1 row") that are many times slower than a live
        catalog's.
        """
        if connection.vendor != "postgresql":
            return
        tables = [
            model._meta.db_table
            for model in (
                Vendor,
                Provider,
                Benchmark,
                LLMModel,
                Offering,
                PriceTier,
                Score,
                Review,
                *(table for rows in generated_rows() for table in rows.tables),
            )
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables)
            )

    @staticmethod
    def generate(generator: Generator) -> dict[str, int]:
        vendors = generator.vendors()
        providers = generator.providers()
        benchmarks = generator.benchmarks()
        models = generator.models(vendors)
        offerings = generator.offerings(models, providers)
        return {
            "vendors": len(vendors),
            "providers": len(providers),
            "benchmarks": len(benchmarks),
            "models": len(models),
            "offerings": len(offerings),
            "price tiers": len(generator.tiers(offerings)),
            "scores": len(generator.scores(models, benchmarks)),
            "reviews": len(generator.reviews(models)),
            # Then other apps' rows (curated comparisons), from the same seed.
            **{
                rows.label: rows.generate(generator.rng, models)
                for rows in generated_rows()
            },
        }
