"""The terms every app shares, each written once, in plain Python.

Modules
  slugs         how model slugs join into a comparison's address ("<a>-vs-<b>")
  prices        how a price is written as text: in a file, in the API, on a page
  capabilities  the seven capability keys and their labels
  process_memos the one list of per-process memos, so one call forgets them all

No Django and no other app: the catalog, the derivation (which takes plain
data only), pages and the API all import these, and they import nothing back.
"""
