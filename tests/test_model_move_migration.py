"""Models that moved out of the catalog app keep every row, key, revision and right.

The test takes its database back to the schema before the moves, fills it the
way a live site is filled (through that schema's own models), migrates forward
and reads everything back through today's models. It runs the real migrations,
so it needs a transaction of its own: on SQLite the schema editor cannot run
inside the test's transaction. Like every transactional test it runs after the
others (pytest-django orders them last) and leaves empty tables behind; no
`serialized_rollback`, whose reload of the content types collides with the ones a
transactional test run before it left (IntegrityError at set-up).
"""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from api.models import PartnerKey
from catalog.models import LLMModel, Offering, PricePoint, Provider, Vendor
from comparisons.models import Comparison

pytestmark = pytest.mark.django_db(transaction=True)

# The last migrations before any model left the catalog: the apps they moved to
# had no migrations then.
BEFORE_THE_MOVES = [
    ("catalog", "0012_price_change_moments"),
    ("api", None),
    ("comparisons", None),
]
# Which app each moved model (and its revision model) is filed under now.
MOVED = {
    "partnerkey": "api",
    "comparison": "comparisons",
    "comparisonfaq": "comparisons",
    "historicalcomparison": "comparisons",
}
WHEN = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)

editors_group_migration = importlib.import_module(
    "catalog.migrations.0002_editors_group"
)


def migrate_to_latest(executor: MigrationExecutor) -> None:
    executor.loader.build_graph()  # it must see what the last run applied
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()  # content type ids were relabelled


@pytest.fixture
def executor():
    executor = MigrationExecutor(connection)
    yield executor
    # Whatever the test reached, the tests after it find today's schema.
    migrate_to_latest(executor)


def fill_old_schema(apps) -> dict:
    """Rows of every kind the moves touch, written with the old schema's models."""
    Vendor_ = apps.get_model("catalog", "Vendor")
    Provider_ = apps.get_model("catalog", "Provider")
    LLMModel_ = apps.get_model("catalog", "LLMModel")
    Offering_ = apps.get_model("catalog", "Offering")
    PricePoint_ = apps.get_model("catalog", "PricePoint")
    Comparison_ = apps.get_model("catalog", "Comparison")
    ComparisonFAQ_ = apps.get_model("catalog", "ComparisonFAQ")
    HistoricalComparison_ = apps.get_model("catalog", "HistoricalComparison")
    PartnerKey_ = apps.get_model("catalog", "PartnerKey")
    ContentType_ = apps.get_model("contenttypes", "ContentType")
    Permission_ = apps.get_model("auth", "Permission")
    User_ = apps.get_model("auth", "User")
    LogEntry_ = apps.get_model("admin", "LogEntry")

    vendor = Vendor_.objects.create(slug="acme", name="Acme")
    provider = Provider_.objects.create(slug="cloudy", name="Cloudy")
    alpha = LLMModel_.objects.create(slug="alpha", name="Alpha", vendor=vendor)
    beta = LLMModel_.objects.create(slug="beta", name="Beta", vendor=vendor)
    offering = Offering_.objects.create(
        model=alpha,
        provider=provider,
        input_price=Decimal("1.5"),
        output_price=Decimal("6"),
    )
    for day, price in ((dt.date(2026, 1, 31), "2"), (dt.date(2026, 2, 28), "1.75")):
        PricePoint_.objects.create(
            offering=offering,
            until=day,
            changed_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
            input_price=Decimal(price),
            output_price=Decimal("8"),
        )
    comparison = Comparison_.objects.create(
        model_a=alpha,
        model_b=beta,
        is_featured=True,
        intro="Alpha reads more.",
        verdict="Alpha, for long files.",
        facts_record={"alpha": {"context_window": None}},
        reviewed_at=WHEN,
        reviewed_by="edna",
    )
    for position, question in enumerate(("Which is cheaper?", "Which reads more?")):
        ComparisonFAQ_.objects.create(
            comparison=comparison, question=question, answer="Alpha.", position=position
        )
    editor = User_.objects.create(username="edna", is_staff=True)
    for history_type, verdict, moment in (
        ("+", "Alpha.", WHEN - dt.timedelta(days=2)),
        ("~", "Alpha, for long files.", WHEN),
    ):
        HistoricalComparison_.objects.create(
            id=comparison.id,
            created_at=WHEN,
            updated_at=moment,
            is_featured=True,
            intro="Alpha reads more.",
            verdict=verdict,
            model_a_id=alpha.id,
            model_b_id=beta.id,
            history_date=moment,
            history_type=history_type,
            history_user=editor,
        )

    partner_key = PartnerKey_(name="Acme mirror", rate="500/hour")
    secret = PartnerKey.objects.assign_key(partner_key)  # today's key hashing
    partner_key.save()

    # The Editors group as its migration makes it, and one staff member given
    # partner keys person by person, as docs/api.md says keys are given.
    editors_group_migration.create_editors(apps, None)
    key_keeper = User_.objects.create(username="kim", is_staff=True)
    key_keeper.user_permissions.set(
        Permission_.objects.filter(codename__endswith="_partnerkey")
    )
    for obj, model in ((comparison, "comparison"), (partner_key, "partnerkey")):
        LogEntry_.objects.create(
            user=editor,
            content_type=ContentType_.objects.get(app_label="catalog", model=model),
            object_id=str(obj.pk),
            object_repr=str(obj.pk),
            action_flag=ADDITION,
            action_time=WHEN,
        )

    editors = apps.get_model("auth", "Group").objects.get(name="Editors")
    editor.groups.add(editors)
    return {
        "offering": offering.pk,
        "comparison": comparison.pk,
        "partner_key": partner_key.pk,
        "secret": secret,
        "editor_rights": set(
            editors.permissions.values_list("id", "content_type__model", "codename")
        ),
        "key_keeper_rights": set(
            key_keeper.user_permissions.values_list("id", flat=True)
        ),
    }


def test_moved_models_keep_rows_revisions_keys_and_rights(executor):
    old = executor.migrate(BEFORE_THE_MOVES).apps
    saved = fill_old_schema(old)

    migrate_to_latest(executor)

    assert list(Vendor.objects.values_list("slug", flat=True)) == ["acme"]
    assert list(Provider.objects.values_list("slug", flat=True)) == ["cloudy"]
    assert sorted(LLMModel.objects.values_list("slug", flat=True)) == [
        "alpha",
        "beta",
    ]
    offering = Offering.objects.get(pk=saved["offering"])
    assert (offering.input_price, offering.output_price) == (Decimal("1.5"), 6)
    assert list(
        PricePoint.objects.filter(offering=offering).values_list(
            "until", "input_price", "output_price"
        )
    ) == [
        (dt.date(2026, 1, 31), Decimal("2"), Decimal("8")),
        (dt.date(2026, 2, 28), Decimal("1.75"), Decimal("8")),
    ]

    comparison = Comparison.objects.get(pk=saved["comparison"])
    assert (comparison.model_a.slug, comparison.model_b.slug) == ("alpha", "beta")
    assert comparison.is_featured
    assert comparison.verdict == "Alpha, for long files."
    assert comparison.facts_record == {"alpha": {"context_window": None}}
    assert (comparison.reviewed_at, comparison.reviewed_by) == (WHEN, "edna")
    assert [(faq.position, faq.question) for faq in comparison.faq_entries.all()] == [
        (0, "Which is cheaper?"),
        (1, "Which reads more?"),
    ]
    assert [
        (revision.history_type, revision.verdict, revision.history_user.username)
        for revision in comparison.history.order_by("history_date")
    ] == [("+", "Alpha.", "edna"), ("~", "Alpha, for long files.", "edna")]

    partner_key = PartnerKey.objects.get_from_key(saved["secret"])
    assert partner_key.pk == saved["partner_key"]
    assert (partner_key.name, partner_key.rate) == ("Acme mirror", "500/hour")
    assert PartnerKey.objects.is_valid(saved["secret"])

    # Same permission rows, so the same rights; each filed under its model's app.
    editors = Group.objects.get(name="Editors")
    assert (
        set(editors.permissions.values_list("id", "content_type__model", "codename"))
        == saved["editor_rights"]
    )
    for permission in editors.permissions.select_related("content_type"):
        model = permission.content_type.model
        assert permission.content_type.app_label == MOVED.get(model, "catalog")
        assert permission.content_type.model_class() is not None, model
    key_keeper = User.objects.get(username="kim")
    assert (
        set(key_keeper.user_permissions.values_list("id", flat=True))
        == saved["key_keeper_rights"]
    )
    assert key_keeper.has_perm("api.add_partnerkey")
    assert not key_keeper.has_perm("catalog.add_partnerkey")
    editor = User.objects.get(username="edna")
    assert editor.has_perm("comparisons.change_comparison")
    assert editor.has_perm("comparisons.view_historicalcomparison")
    assert not editor.has_perm("catalog.change_comparison")
    assert not editor.has_perm("api.add_partnerkey")

    # The admin's log still names the objects it recorded, through their new app.
    logged = {
        entry.content_type.model_class(): entry.get_edited_object().pk
        for entry in LogEntry.objects.select_related("content_type")
    }
    assert logged == {
        Comparison: saved["comparison"],
        PartnerKey: saved["partner_key"],
    }
    assert not ContentType.objects.filter(app_label="catalog", model__in=MOVED)
