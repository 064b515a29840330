"""The seven capabilities a model may have, in the order pages and files list them.

The catalog's fields, its import and export, the API's filters and the
derivation's claims all read the keys from here.
"""

CAPABILITY_LABELS = {
    "vision": "Vision",
    "multimodal": "Multimodal input",
    "reasoning": "Reasoning mode",
    "function_calling": "Function calling",
    "tool_use": "Tool use",
    "structured_outputs": "Structured outputs",
    "code_execution": "Code execution",
}
CAPABILITIES = tuple(CAPABILITY_LABELS)
