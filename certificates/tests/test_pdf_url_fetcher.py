"""The renderer reads only data: URIs and its own template/font folder: nothing from
the network, nothing else from the disk."""

from __future__ import annotations

import base64

import pytest
from weasyprint import HTML

from certificates import pdf as pdf_module
from certificates.pdf import TEMPLATE_DIR, LockedURLFetcher, RefusedURL
from certificates.tests.factories import sample_content as content

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/share/x.css",
        "http://127.0.0.1:9/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x.png",
        "gopher://example.com/x",
        # Climbing out of the template folder.
        (TEMPLATE_DIR / ".." / ".." / "models.py").as_uri(),
        TEMPLATE_DIR.as_uri() + "/../../models.py",
        TEMPLATE_DIR.as_uri() + "/%2e%2e/%2e%2e/models.py",
        # The folder itself is not a file.
        TEMPLATE_DIR.as_uri(),
    ],
)
def test_it_refuses(url):
    with pytest.raises(RefusedURL):
        LockedURLFetcher().fetch(url)


def test_it_serves_the_certificate_stylesheet():
    response = LockedURLFetcher().fetch((TEMPLATE_DIR / "certificate.css").as_uri())
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_it_serves_data_uris():
    uri = "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()
    response = LockedURLFetcher().fetch(uri)
    assert response.read() == PNG_1PX


def test_a_page_that_asks_for_outside_files_renders_without_them():
    seen: list[str] = []
    served: list[str] = []

    class Spy(LockedURLFetcher):
        def fetch(self, url, headers=None):
            seen.append(url)
            response = super().fetch(url, headers)
            served.append(url)
            return response

    html = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">'
        '<img src="file:///etc/passwd"><img src="https://example.com/x.png">'
        '<p style="background: url(file:///etc/hostname)">text</p>'
        '<img src="data:image/png;base64,' + base64.b64encode(PNG_1PX).decode() + '">'
    )
    pdf = HTML(string=html, base_url=str(TEMPLATE_DIR) + "/", url_fetcher=Spy()).write_pdf()
    assert pdf and pdf.startswith(b"%PDF")
    assert "file:///etc/passwd" in seen and "http://127.0.0.1:9/evil.css" in seen
    assert all(url.startswith("data:") for url in served)


def test_the_certificate_loads_only_its_own_files_and_data_uris(monkeypatch):
    served: list[str] = []

    class Spy(LockedURLFetcher):
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            served.append(url)
            return response

    # The certificate's pages share one fetcher per process.
    monkeypatch.setattr(pdf_module, "_fetcher", Spy)
    pdf_module.render_certificate_pdf_bytes(content(full_name='<img src="http://127.0.0.1:9/x.png">'))
    files = {url.rsplit("/", 1)[-1] for url in served if url.startswith("file:")}
    # The stylesheet is parsed once per process (it may have been parsed by an earlier test).
    assert {"hatch.svg", "seal.svg"} <= files <= {"certificate.css", "hatch.svg", "seal.svg"}
    assert all(url.startswith(("file:", "data:image/png;base64,")) for url in served)


def test_a_static_file_is_read_from_disk_once_per_process(monkeypatch):
    seal = TEMPLATE_DIR / "seal.svg"
    first = LockedURLFetcher().fetch(seal.as_uri())
    body = first.read()
    assert body == seal.read_bytes()
    assert first.content_type == "image/svg+xml"

    def no_disk(path):
        raise AssertionError(f"{path} read from disk again")

    monkeypatch.setattr(type(seal), "read_bytes", no_disk)
    again = LockedURLFetcher().fetch(seal.as_uri())
    assert (again.read(), again.content_type) == (body, "image/svg+xml")
