"""Sign-in forms: allauth's, worded the NHS.UK way and aware of the NHS sign-in services."""

from dataclasses import dataclass

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.socialaccount.adapter import get_adapter as get_social_adapter

from capmap.core.forms import PlainErrorsMixin

# Button wording for the OpenID Connect apps configured in settings (`_oidc_apps`).
SIGN_IN_BUTTON_TEXT = {
    "entra": "Sign in with NHSmail",
    "cis2": "Sign in with NHS CIS2",
}


@dataclass(frozen=True)
class SingleSignOn:
    """One 'Sign in with ...' button: a form that posts to allauth's provider login URL."""

    provider_id: str
    text: str
    url: str


def single_sign_on_options(request) -> list[SingleSignOn]:
    """The NHS sign-in services switched on by the environment, in the order configured."""
    options = []
    for provider in get_social_adapter(request).list_providers(request):
        app = provider.app
        if app is None or app.settings.get("hidden"):
            continue
        text = SIGN_IN_BUTTON_TEXT.get(app.provider_id, f"Sign in with {app.name}")
        options.append(
            SingleSignOn(app.provider_id, text, provider.get_login_url(request, process="login"))
        )
    return options


class LoginForm(PlainErrorsMixin, AllauthLoginForm):
    """E-mail and password, labelled in plain words, with no placeholders standing in for labels."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def single_sign_on_options(self) -> list[SingleSignOn]:
        return single_sign_on_options(self.request) if self.request else []
