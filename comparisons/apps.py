from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self) -> None:
        from catalog.services import (
            curated_facts_rules_register,
            review_queue_register,
        )
        from comparisons.services.curated import (
            curated_changes_list,
            curated_facts_read,
            curated_out_of_date_section,
        )

        # The catalog records and queues curated text by these rules, which
        # live here: catalog never imports this app, so they are handed to it.
        curated_facts_rules_register(
            reader=curated_facts_read, changes=curated_changes_list
        )
        review_queue_register(curated_out_of_date_section)
