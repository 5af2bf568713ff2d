"""The ZIP inside an access-export bundle, with a manifest that lists every file it
holds by size and SHA-256, so the recipient can check that nothing was changed or
left out once the bundle is opened."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from typing import Any

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "callvault-access-export/v1"
# Audio is compressed already: deflating it again costs CPU and saves nothing.
_STORED_SUFFIXES = (".wav", ".mp3", ".ogg", ".bin")


class ExportArchive:
    """Files added one by one; ``finish`` writes the manifest and returns the ZIP."""

    def __init__(self, created_at: datetime, manifest_format: str = MANIFEST_FORMAT) -> None:
        self._format = manifest_format
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w")
        self._stamp = created_at.timetuple()[:6]
        self.files: list[dict[str, Any]] = []

    def add(self, path: str, data: bytes) -> None:
        self._write(path, data)
        digest = hashlib.sha256(data).hexdigest()
        self.files.append({"path": path, "size": len(data), "sha256": digest})

    def add_json(self, path: str, value: Any) -> None:
        self.add(path, json.dumps(value, indent=2, sort_keys=True).encode("utf-8") + b"\n")

    def finish(self, manifest: dict[str, Any]) -> bytes:
        """The ZIP, ``manifest`` (with ``format`` and ``files`` added) written last."""
        body = {"format": self._format, **manifest, "files": self.files}
        self._write(MANIFEST, json.dumps(body, indent=2, sort_keys=True).encode("utf-8"))
        self._zip.close()
        return self._buffer.getvalue()

    def _write(self, path: str, data: bytes) -> None:
        info = zipfile.ZipInfo(path, date_time=self._stamp)
        stored = path.endswith(_STORED_SUFFIXES)
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        self._zip.writestr(info, data)
