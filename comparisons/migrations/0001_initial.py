"""Curated comparisons move here from the catalog app: same tables, rows and rights.

Only Django's state moves: the tables keep their names (catalog_comparison,
catalog_comparisonfaq, catalog_historicalcomparison), and the content types
are relabelled so that admin log entries, permissions (the Editors group's
among them) and revision history follow. catalog 0014 then drops the models
from the catalog's state.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from catalog.moves import content_types_move

forwards, backwards = content_types_move(
    models=("comparison", "comparisonfaq", "historicalcomparison"),
    old_label="catalog",
    new_label="comparisons",
)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0013_partnerkey_moved_to_api"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Comparison',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True)),
                        ('is_featured', models.BooleanField(default=False, help_text='Featured pairs lead the home page and related links.', verbose_name='featured')),
                        ('intro', models.TextField(blank=True, help_text='Replaces the generated intro. Markdown.')),
                        ('verdict', models.TextField(blank=True, help_text='Replaces the generated one-line verdict.')),
                        ('facts_record', models.JSONField(blank=True, editable=False, help_text='Recorded whenever the comparison is saved or marked reviewed. If any of these facts changes, readers see the generated text instead until an editor reviews the curated text again.', null=True, verbose_name='facts the text was written against')),
                        ('reviewed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='text last reviewed')),
                        ('reviewed_by', models.CharField(blank=True, editable=False, max_length=200, verbose_name='text last reviewed by')),
                        ('model_a', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.llmmodel')),
                        ('model_b', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.llmmodel')),
                    ],
                    options={
                        'verbose_name': 'curated comparison',
                        'db_table': 'catalog_comparison',
                        'ordering': ('-is_featured', 'model_a__name', 'model_b__name'),
                    },
                ),
                migrations.CreateModel(
                    name='ComparisonFAQ',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('question', models.CharField(max_length=300)),
                        ('answer', models.TextField(help_text='Markdown.')),
                        ('position', models.PositiveSmallIntegerField(default=0, help_text='Lower comes first.')),
                        ('comparison', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='faq_entries', to='comparisons.comparison')),
                    ],
                    options={
                        'verbose_name': 'FAQ entry',
                        'verbose_name_plural': 'FAQ entries',
                        'db_table': 'catalog_comparisonfaq',
                        'ordering': ('comparison', 'position', 'id'),
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalComparison',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, db_index=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, db_index=True, editable=False)),
                        ('is_featured', models.BooleanField(default=False, help_text='Featured pairs lead the home page and related links.', verbose_name='featured')),
                        ('intro', models.TextField(blank=True, help_text='Replaces the generated intro. Markdown.')),
                        ('verdict', models.TextField(blank=True, help_text='Replaces the generated one-line verdict.')),
                        ('facts_record', models.JSONField(blank=True, editable=False, help_text='Recorded whenever the comparison is saved or marked reviewed. If any of these facts changes, readers see the generated text instead until an editor reviews the curated text again.', null=True, verbose_name='facts the text was written against')),
                        ('reviewed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='text last reviewed')),
                        ('reviewed_by', models.CharField(blank=True, editable=False, max_length=200, verbose_name='text last reviewed by')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('model_a', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='catalog.llmmodel')),
                        ('model_b', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='catalog.llmmodel')),
                    ],
                    options={
                        'verbose_name': 'historical curated comparison',
                        'verbose_name_plural': 'historical curated comparisons',
                        'db_table': 'catalog_historicalcomparison',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddConstraint(
                    model_name='comparison',
                    constraint=models.CheckConstraint(condition=models.Q(('model_a', models.F('model_b')), _negated=True), name='comparison_of_two_models'),
                ),
                migrations.AddConstraint(
                    model_name='comparison',
                    constraint=models.UniqueConstraint(django.db.models.functions.comparison.Least('model_a', 'model_b'), django.db.models.functions.comparison.Greatest('model_a', 'model_b'), name='one_comparison_per_pair'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
