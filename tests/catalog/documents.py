"""A valid catalog/1 document to break, and a snapshot of every catalog row."""

from django.apps import apps


def valid_document() -> dict:
    return {
        "format": "catalog/1",
        "exported_at": "2026-11-25T12:00:00Z",
        "vendors": [
            {
                "slug": "openai",
                "name": "OpenAI",
                "website": "https://openai.com",
                "description": "",
            }
        ],
        "providers": [
            {"slug": "openai", "name": "OpenAI API", "website": "", "description": ""},
            {
                "slug": "openrouter",
                "name": "OpenRouter",
                "website": "",
                "description": "",
            },
        ],
        "benchmarks": [
            {
                "slug": "swe-bench-verified",
                "name": "SWE-bench Verified",
                "unit": "%",
                "higher_is_better": True,
                "url": "https://www.swebench.com",
                "description": "",
            }
        ],
        "models": [
            {
                "slug": "gpt-4-1-mini",
                "name": "GPT-4.1 Mini",
                "vendor": "openai",
                "release_date": "2025-04",
                "context_window": 1000000,
                "modalities": {"input": ["text", "image"], "output": ["text"]},
                "capabilities": {"vision": True, "reasoning": False},
                "offerings": [
                    {
                        "provider": "openai",
                        "input_price": "0.40",
                        "output_price": "1.60",
                        "tiers": [
                            {
                                "above_tokens": 200000,
                                "input_price": "0.80",
                                "output_price": "3.20",
                            }
                        ],
                        "source_url": "https://openai.com/api/pricing/",
                        "checked_on": "2026-05-14",
                    }
                ],
                "scores": [
                    {
                        "benchmark": "swe-bench-verified",
                        "value": 23.6,
                        "source_url": "https://openai.com/index/gpt-4-1/",
                    }
                ],
                "reviews": [
                    {
                        "reviewed_on": "2026-05-14",
                        "reviewer": "Editorial team",
                        "summary": "Fine.",
                    }
                ],
            },
            {
                "slug": "gpt-4-1",
                "name": "GPT-4.1",
                "vendor": "openai",
                "context_window": 1047576,
            },
        ],
        "comparisons": [
            {
                "models": ["gpt-4-1", "gpt-4-1-mini"],
                "featured": True,
                "faq": [{"question": "Which is cheaper?", "answer": "GPT-4.1 Mini."}],
            }
        ],
    }


def snapshot() -> dict:
    """Every row of every catalog table, history included."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("catalog").get_models()
    }
