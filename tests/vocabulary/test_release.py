"""The code release: a name that changes with any file a page is made from."""

from vocabulary.release import code_release


def tree(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_same_files_give_the_same_release_and_any_change_another(tmp_path):
    tree(tmp_path, {"templates/page.html": "<p>{{ a }}</p>", "app/views.py": "x = 1"})
    first = code_release(tmp_path, ["templates", "app"])
    assert len(first) == 12
    assert code_release(tmp_path, ["app", "templates"]) == first

    tree(tmp_path, {"templates/page.html": "<p>{{ b }}</p>"})
    edited = code_release(tmp_path, ["templates", "app"])
    assert edited != first

    (tmp_path / "app/views.py").rename(tmp_path / "app/pages.py")
    assert code_release(tmp_path, ["templates", "app"]) not in {first, edited}


def test_compiled_files_and_missing_folders_change_nothing(tmp_path):
    tree(tmp_path, {"app/views.py": "x = 1"})
    before = code_release(tmp_path, ["app", "absent"])
    tree(tmp_path, {"app/__pycache__/views.cpython-311.pyc": "bytes"})
    assert code_release(tmp_path, ["app"]) == before
