"""Static files that `collectstatic` with the production storage can process."""

import re

from django.contrib.staticfiles import finders

SOURCE_MAP = re.compile(r"sourceMappingURL=([^\s*]+)")


def test_every_source_map_a_static_file_names_exists():
    """ManifestStaticFilesStorage rewrites sourceMappingURL comments and stops
    collectstatic (so the deployment) when the map is missing."""
    missing = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["*.py", "*.txt", "*.md"]):
            if not path.endswith((".js", ".css")):
                continue
            prefix = getattr(storage, "prefix", None)
            with storage.open(path) as file:
                text = file.read().decode("utf-8", "replace")
            for name in SOURCE_MAP.findall(text):
                url_path = f"{prefix}/{path}" if prefix else path
                target = f"{url_path.rsplit('/', 1)[0]}/{name}" if "/" in url_path else name
                if not name.startswith("data:") and not finders.find(target):
                    missing.append(f"{url_path} -> {name}")
    assert missing == []
