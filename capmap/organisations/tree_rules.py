"""Where an organisation may sit in the tree, as sentences people can act on."""

from .models import ALLOWED_PARENT_KINDS, Organisation, OrganisationKind


def kind_name(kind: str) -> str:
    """The kind's label for use mid-sentence: "GP practice", "integrated care system"."""
    label = str(OrganisationKind(kind).label)
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiouAEIO' or noun.startswith('NHS') else 'a'} {noun}"


def parent_problem(kind: str, parent: Organisation | None) -> str:
    """Why `parent` cannot hold an organisation of this kind, or "" when it can."""
    allowed = ALLOWED_PARENT_KINDS[kind]
    label = kind_name(kind)
    if parent is None:
        return "" if None in allowed else f"Choose the organisation this {label} is part of."
    if parent.kind in allowed:
        return ""
    names = [kind_name(k) for k in OrganisationKind.values if k in allowed]
    article = _a(label)
    article = article[0].upper() + article[1:]
    if not names:
        return f"{article} is not part of another organisation."
    return f"{article} must be part of {' or '.join(_a(n) for n in names)}."
