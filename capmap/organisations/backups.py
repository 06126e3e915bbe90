"""The backup archive: every record and every stored file, each file with its SHA-256.

A backup is a tar archive (gzip-compressed when its name ends .gz or .tgz) holding, in order:

    capmap-backup/format.json    what this is: {"format": "capmap-backup", "version": 2, ...}
    capmap-backup/records.jsonl  every record as Django JSON Lines, one record a line
    capmap-backup/files/NAME     each stored file the records point at (evidence, unexpired
                                 reports, subject-access exports), under its storage name
    capmap-backup/files.jsonl    one line per file: name, the record pointing at it, size,
                                 sha256 and what the backup did with it ("state"):
                                 copied (in the archive), listed (object storage: the key and
                                 hash only; the bucket keeps the bytes), missing (the record
                                 pointed at a file storage no longer had), expired (a report
                                 or export past its expiry, deleted by the next prune)

Both directions stream: records go through a temporary file one line at a time and files
through the archive in chunks, so memory stays flat however many staff there are. Older
backups (one JSON document of records, plain or gzip) are still read by `capmap restore`.

This module is also a Django serializer ("capmap-backup-jsonl": JSON Lines with times to
the microsecond) so `dumpdata` can write the records.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import shutil
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import FileSystemStorage, InMemoryStorage, Storage
from django.core.management import call_command
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

FORMAT_NAME = "capmap-backup"
VERSION = 2
PREFIX = "capmap-backup/"
FILES = PREFIX + "files/"
RECORDS_FORMAT = "capmap-backup-jsonl"
CHUNK = 1024 * 1024

# app label or app_label.ModelName: rebuilt by migrations, or passing state.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "django_tasks_database",  # the background task queue
    "account.emailconfirmation",  # sign-up links that expire
    "socialaccount.socialtoken",  # identity providers' access tokens (not stored anyway)
    "reports.workerheartbeat",  # the worker saying it is alive
]

COPIED, LISTED, MISSING, EXPIRED = "copied", "listed", "missing", "expired"


class BackupError(Exception):
    """The archive cannot be used; nothing was changed."""


class ExactTimeEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds, which would change every timestamp."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


# Rows a new database makes for itself, with its own keys: records point at them by name.
# Every other row keeps its key, so a reference to it is the key alone (no lookup a row).
BY_NATURAL_KEY = {"contenttypes.contenttype", "auth.permission"}


class Serializer(jsonl.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactTimeEncoder

    def handle_fk_field(self, obj, field):
        if field.remote_field.model._meta.label_lower in BY_NATURAL_KEY:
            super().handle_fk_field(obj, field)
        else:
            self._current[field.name] = self._value_from_field(obj, field)


Deserializer = jsonl.Deserializer


def is_archive(path: Path) -> bool:
    """A version-2 backup (tar, plain or gzip), as opposed to an older JSON one."""
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def file_fields() -> dict[str, list[models.FileField]]:
    """Every model whose rows point at stored files: {"app.model": [its file fields]}."""
    found = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if fields:
            found[model._meta.label_lower] = fields
    return found


def keeps_bytes_here(storage: Storage) -> bool:
    """Local disk (or memory, in tests): the backup must carry the bytes. Anything else is
    object storage, whose bucket keeps them (and its own versioned copies)."""
    return isinstance(storage, FileSystemStorage | InMemoryStorage)


class _HashingReader:
    """Reads a file through, hashing what passes."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _hash_stored(storage: Storage, name: str) -> tuple[str, int] | None:
    """(sha256, size) of a stored file, or None when storage does not have it."""
    try:
        if not storage.exists(name):
            return None
        with storage.open(name, "rb") as handle:
            reader = _HashingReader(handle)
            while reader.read(CHUNK):
                pass
    except OSError:
        return None
    return reader.sha256.hexdigest(), reader.size


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _add_path(tar: tarfile.TarFile, name: str, path: Path) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        tar.addfile(info, handle)


def _referenced_files(records: Path, now: datetime.datetime) -> Iterator[dict[str, Any]]:
    """Each stored file the dumped records point at, once, read one record at a time."""
    fields = file_fields()
    seen: set[str] = set()
    with records.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            for file_field in fields.get(record["model"], ()):
                name = record["fields"].get(file_field.name) or ""
                if not name or name in seen:
                    continue
                seen.add(name)
                expires = parse_datetime(record["fields"].get("expires_at") or "")
                yield {
                    "name": name,
                    "model": record["model"],
                    "pk": record["pk"],
                    "expired": bool(expires and expires <= now),
                    "storage": file_field.storage,
                }


@dataclass
class BackupSummary:
    copied: int = 0
    listed: int = 0
    expired: int = 0
    missing: list[str] = field(default_factory=list)


def write_backup(target: Path, work: Path, *, copy_files: bool | None = None) -> BackupSummary:
    """Write the archive to `target`, using the folder `work` for the records on their way.

    copy_files: True puts every file's bytes in the archive, False only its key and hash;
    None decides by storage (bytes for local disk, keys for object storage)."""
    records = work / "records.jsonl"
    manifest = work / "files.jsonl"
    serializers.register_serializer(RECORDS_FORMAT, __name__)
    call_command(
        "dumpdata",
        format=RECORDS_FORMAT,
        exclude=EXCLUDED,
        natural_foreign=True,
        use_base_manager=True,
        output=str(records),
        verbosity=0,
    )
    now = timezone.now()
    summary = BackupSummary()
    mode = "w:gz" if target.name.endswith((".gz", ".tgz")) else "w"
    with tarfile.open(target, mode) as tar, manifest.open("w", encoding="utf-8") as entries:
        about = {
            "format": FORMAT_NAME,
            "version": VERSION,
            "created_at": now.isoformat(),
            "records": "records.jsonl",
            "files": "files.jsonl",
        }
        _add_bytes(tar, PREFIX + "format.json", json.dumps(about, indent=1).encode())
        _add_path(tar, PREFIX + "records.jsonl", records)
        for ref in _referenced_files(records, now):
            storage: Storage = ref.pop("storage")
            expired = ref.pop("expired")
            entry = {**ref, "size": None, "sha256": None}
            copying = keeps_bytes_here(storage) if copy_files is None else copy_files
            if expired:
                entry["state"] = EXPIRED
                summary.expired += 1
            elif copying and _copy_into(tar, storage, entry):
                entry["state"] = COPIED
                summary.copied += 1
            elif not copying and (found := _hash_stored(storage, entry["name"])):
                entry["sha256"], entry["size"] = found
                entry["state"] = LISTED
                summary.listed += 1
            else:
                entry["state"] = MISSING
                summary.missing.append(_describe(entry))
            entries.write(json.dumps(entry, ensure_ascii=False) + "\n")
        entries.close()
        _add_path(tar, PREFIX + "files.jsonl", manifest)
    return summary


def _copy_into(tar: tarfile.TarFile, storage: Storage, entry: dict[str, Any]) -> bool:
    """Stream one stored file into the archive, filling in its size and hash."""
    name = entry["name"]
    try:
        if not storage.exists(name):
            return False
        info = tarfile.TarInfo(FILES + name)
        info.size = storage.size(name)
        info.mtime = int(timezone.now().timestamp())
        with storage.open(name, "rb") as handle:
            reader = _HashingReader(handle)
            tar.addfile(info, reader)
    except OSError:
        return False
    entry["size"], entry["sha256"] = reader.size, reader.sha256.hexdigest()
    return True


def _describe(entry: dict[str, Any]) -> str:
    return f"{entry['name']} ({entry['model']} {entry['pk']})"


@dataclass
class Unpacked:
    records: Path
    manifest: Path
    staged: dict[str, tuple[Path, str]]  # archive file name -> (where staged, sha256)


def unpack(source: Path, work: Path) -> Unpacked:
    """Read the archive once, front to back, into `work`: records and the file list as they
    are, each file staged on disk with its hash checked against the list. Raises
    BackupError when the archive is not a complete, intact Capmap backup."""
    about = None
    records = work / "records.jsonl"
    manifest = work / "files.jsonl"
    staged_dir = work / "files"
    staged_dir.mkdir()
    staged: dict[str, tuple[Path, str]] = {}
    try:
        with tarfile.open(source, "r|*") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                data = tar.extractfile(member)
                if data is None:  # pragma: no cover - isfile() members always have data
                    continue
                if member.name == PREFIX + "format.json":
                    about = json.loads(data.read(64 * 1024))
                elif member.name == PREFIX + "records.jsonl":
                    with records.open("wb") as out:
                        shutil.copyfileobj(data, out, CHUNK)
                elif member.name == PREFIX + "files.jsonl":
                    with manifest.open("wb") as out:
                        shutil.copyfileobj(data, out, CHUNK)
                elif member.name.startswith(FILES):
                    place = staged_dir / str(len(staged))
                    reader = _HashingReader(data)
                    with place.open("wb") as out:
                        while chunk := reader.read(CHUNK):
                            out.write(chunk)
                    staged[member.name[len(FILES) :]] = (place, reader.sha256.hexdigest())
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BackupError(f"the backup archive cannot be read ({error}).") from None
    if not about or about.get("format") != FORMAT_NAME:
        raise BackupError("this archive is not a Capmap backup (no capmap-backup/format.json).")
    if about.get("version", 0) > VERSION:
        raise BackupError(
            f"this backup is version {about['version']}, newer than this Capmap reads "
            f"({VERSION}): restore it with the release that made it."
        )
    if not records.exists() or not manifest.exists():
        raise BackupError("the backup is incomplete (its records or its file list are missing).")
    damaged = []
    for entry in manifest_entries(manifest):
        if entry["state"] != COPIED:
            continue
        got = staged.get(entry["name"])
        if got is None:
            damaged.append(f"{_describe(entry)} is not in the archive")
        elif got[1] != entry["sha256"]:
            damaged.append(f"{_describe(entry)} does not match its SHA-256")
    if damaged:
        raise BackupError("the backup is damaged: " + "; ".join(damaged[:20]) + _more(damaged))
    return Unpacked(records, manifest, staged)


def _more(items: list) -> str:
    return f" and {len(items) - 20} more." if len(items) > 20 else "."


def manifest_entries(manifest: Path) -> Iterator[dict[str, Any]]:
    with manifest.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


@dataclass
class FileReport:
    """What happened to the backup's files on restore; `problems` name each one."""

    put_back: int = 0
    in_place: int = 0
    checked: int = 0
    expired: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.put_back or self.in_place:
            out.append(
                f"Files: {self.put_back} put back from the backup, "
                f"{self.in_place} already in place and identical."
            )
        if self.checked:
            out.append(f"Files in object storage: {self.checked} present and identical.")
        if self.expired:
            out.append(f"Expired files not kept: {self.expired} (their records say expired).")
        return out


def _storage_for(model_label: str, fields: dict[str, list[models.FileField]]) -> Storage:
    from django.core.files.storage import default_storage

    found = fields.get(model_label)
    return found[0].storage if found else default_storage


def put_back_files(unpacked: Unpacked) -> FileReport:
    """Put every copied file back in storage under its own name, and check every listed
    object is present with the same hash. Files already there and identical are left."""
    fields = file_fields()
    report = FileReport()
    for entry in manifest_entries(unpacked.manifest):
        name, state = entry["name"], entry["state"]
        storage = _storage_for(entry["model"], fields)
        if state == EXPIRED:
            report.expired += 1
        elif state == MISSING:
            report.problems.append(f"Missing (already missing at backup time): {_describe(entry)}")
        elif state == LISTED:
            found = _hash_stored(storage, name)
            if found is None:
                report.problems.append(f"Missing from object storage: {_describe(entry)}")
            elif found[0] != entry["sha256"]:
                report.problems.append(f"Changed in object storage: {_describe(entry)}")
            else:
                report.checked += 1
        elif state == COPIED:
            place, sha256 = unpacked.staged[name]
            found = _hash_stored(storage, name)
            if found and found[0] == sha256:
                report.in_place += 1
                continue
            if found:
                storage.delete(name)
            with place.open("rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:  # pragma: no cover - storage renamed it (a file appeared)
                raise BackupError(f"storage would not keep {name} under its own name.")
            report.put_back += 1
    return report


def check_referenced_files() -> FileReport:
    """For an older backup (records only): is every file the records point at in storage?"""
    report = FileReport()
    for label, fields in file_fields().items():
        model = apps.get_model(label)
        for file_field in fields:
            rows = (
                model._base_manager.exclude(**{file_field.name: ""})
                .values_list("pk", file_field.name)
                .order_by("pk")
            )
            for pk, name in rows.iterator(chunk_size=2000):
                if file_field.storage.exists(name):
                    report.in_place += 1
                else:
                    report.problems.append(f"Missing: {name} ({label} {pk})")
    return report
