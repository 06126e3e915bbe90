"""Domain exceptions that services raise and views turn into messages for people."""


class DomainError(Exception):
    """A rule of the product was broken; the message is shown to the person."""


class NotPermitted(DomainError):
    """The person acting may not do this."""
