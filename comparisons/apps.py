from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self) -> None:
        from catalog.extensions import (
            DocumentSection,
            GeneratedRows,
            PairRecords,
            document_section_register,
            generated_rows_register,
            pair_records_register,
        )
        from catalog.services import review_queue_register
        from comparisons import catalog_format, generated
        from comparisons.models import Comparison, ComparisonFAQ
        from comparisons.services.curated import curated_out_of_date_section

        # The catalog's machinery handles curated comparisons through these
        # (catalog/extensions.py): catalog never imports this app.
        pair_records_register(
            PairRecords(
                model=Comparison,
                sides=("model_a", "model_b"),
                parts={ComparisonFAQ: "comparison"},
                published=catalog_format.comparisons_published,
            )
        )
        document_section_register(
            DocumentSection(
                key=catalog_format.KEY,
                kinds=catalog_format.KINDS,
                export=catalog_format.comparisons_export,
                read=catalog_format.comparisons_read,
                write=catalog_format.comparisons_write,
                prune=catalog_format.comparisons_prune,
            )
        )
        generated_rows_register(
            GeneratedRows(
                label="curated comparisons",
                generate=generated.comparisons_generate,
                delete=generated.comparisons_delete,
                tables=(Comparison,),
            )
        )
        review_queue_register(curated_out_of_date_section)
