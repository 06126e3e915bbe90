"""Open Badges 3.0 baking for SVG: a badge image with the credential inside it.

Baking (OB 3.0, "Baking" / SVG): the root <svg> carries
xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" and, directly after it, one
<openbadges:credential> element holding either the JSON credential (embedded proof) in a
CDATA section, or a VC-JWT in its `verify` attribute. Extracting reads the first such
element and discards the rest of the image. Text only: no XML parser (and so no entity
expansion) is involved.
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any
from xml.sax.saxutils import escape, quoteattr

OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_ELEMENT = re.compile(
    r"<openbadges:credential\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</openbadges:credential\s*>)",
    re.DOTALL,
)
_VERIFY = re.compile(r"""\bverify\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


class NotBaked(ValueError):
    """An SVG image with no credential baked into it."""


def looks_like_svg(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("<") and "<svg" in head


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def badge_svg(*, title: str, level: str, issuer: str, issued_on: str) -> str:
    """A plain badge picture (NHS blue roundel) naming what is certified and by whom."""
    text = []
    y = 150
    for line in _lines(title, 26, 4):
        text.append(f'<text x="256" y="{y}" class="t">{escape(line)}</text>')
        y += 34
    if level:
        text.append(f'<text x="256" y="{y + 10}" class="s">{escape(level[:40])}</text>')
    for i, line in enumerate(_lines(issuer, 34, 2)):
        text.append(f'<text x="256" y="{370 + i * 24}" class="s">{escape(line)}</text>')
    text.append(f'<text x="256" y="{430}" class="s">{escape(issued_on)}</text>')
    label = f"{title}{', ' + level if level else ''}. Certified by {issuer}."
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" role="img" '
        'aria-labelledby="badge-title">'
        f'<title id="badge-title">{escape(label)}</title>'
        "<style>.t{font:bold 26px Arial,sans-serif;fill:#fff;text-anchor:middle}"
        ".s{font:18px Arial,sans-serif;fill:#fff;text-anchor:middle}</style>"
        '<circle cx="256" cy="256" r="248" fill="#005eb8"/>'
        '<circle cx="256" cy="256" r="226" fill="none" stroke="#fff" stroke-width="6"/>'
        f"{''.join(text)}</svg>"
    )


def bake_svg(svg: str, *, credential: dict[str, Any] | None = None, jwt: str = "") -> str:
    """The image with the credential baked in: JSON in CDATA, or a VC-JWT in `verify`.
    An earlier baked credential is replaced (only one may be in an image)."""
    svg = _ELEMENT.sub("", svg, count=1)
    match = re.search(r"<svg\b[^>]*?(/?)>", svg)
    if match is None or match.group(1):
        raise NotBaked("This is not an SVG image with content.")
    tag = match.group(0)
    if "xmlns:openbadges" not in tag:
        tag = tag[:-1] + f' xmlns:openbadges="{OB_NAMESPACE}">'
    if jwt:
        element = f"<openbadges:credential verify={quoteattr(jwt)}></openbadges:credential>"
    else:
        # "]]>" may only appear inside a JSON string, where ">" can be written \u003e.
        body = json.dumps(credential, indent=2, ensure_ascii=False).replace("]]>", "]]\\u003e")
        element = f"<openbadges:credential><![CDATA[\n{body}\n]]></openbadges:credential>"
    return svg[: match.start()] + tag + element + svg[match.end() :]


def extract_from_svg(svg: str) -> str:
    """The baked credential as text: its JSON, or its VC-JWT. NotBaked when there is none."""
    match = _ELEMENT.search(svg)
    if match is None:
        raise NotBaked(
            "This image has no credential baked into it: upload the badge image "
            "downloaded with the credential, or the credential's JSON file."
        )
    verify = _VERIFY.search(match.group("attrs") or "")
    if verify is not None:
        return (verify.group(1) or verify.group(2) or "").strip()
    body = match.group("body") or ""
    sections = _CDATA.findall(body)
    return ("".join(sections) if sections else body).strip()
