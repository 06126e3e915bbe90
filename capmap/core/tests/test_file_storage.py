"""Uploaded files go to local disk by default, or to S3-compatible storage when configured."""

from django.core.files.storage import storages
from django.utils.module_loading import import_string

from capmap.config.settings.base import uploaded_file_storage


def test_uploads_go_to_local_disk_when_no_bucket_is_set(monkeypatch):
    monkeypatch.delenv("CAPMAP_S3_BUCKET", raising=False)
    assert uploaded_file_storage()["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_setting_switches_uploads_to_private_s3_compatible_storage(monkeypatch):
    monkeypatch.setenv("CAPMAP_S3_BUCKET", "capmap-evidence")
    monkeypatch.setenv("CAPMAP_S3_ENDPOINT_URL", "https://objects.example.nhs.uk")
    monkeypatch.setenv("CAPMAP_S3_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("CAPMAP_S3_SECRET_ACCESS_KEY", "secret")
    config = uploaded_file_storage()
    storage = import_string(config["BACKEND"])(**config["OPTIONS"])
    assert storage.bucket_name == "capmap-evidence"
    assert storage.default_acl == "private"
    # Download addresses are signed and short-lived, on the configured endpoint.
    address = storage.url("evidence/certificate.pdf")
    assert address.startswith("https://objects.example.nhs.uk/capmap-evidence/evidence/")
    assert "Signature=" in address or "X-Amz-Signature=" in address


def test_the_test_suite_itself_keeps_files_in_memory():
    assert type(storages["default"]).__name__ == "InMemoryStorage"
