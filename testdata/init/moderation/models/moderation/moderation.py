from collections.abc import Mapping

from dify_plugin import ModerationModel
from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)

BLOCKED_WORDS = {"blocked-word"}


class DemoModerationModerationModel(ModerationModel):
    """A stand-in model that flags text containing a blocked word.

    Replace _invoke's body with a call to your moderation service.
    """

    def _invoke(self, model: str, credentials: dict, text: str, user: str | None = None) -> bool:
        """Return True when the text should be blocked."""
        return any(word in BLOCKED_WORDS for word in text.lower().split())

    def validate_credentials(self, model: str, credentials: Mapping) -> None:
        """Call your service with the credentials and raise CredentialsValidateFailedError if refused."""
        if credentials.get("api_key") == "invalid":
            raise CredentialsValidateFailedError("the API key was refused")

    @property
    def _invoke_error_mapping(self) -> dict[type[InvokeError], list[type[Exception]]]:
        """Map the errors your client library raises to Dify's error kinds."""
        return {
            InvokeConnectionError: [ConnectionError],
            InvokeServerUnavailableError: [],
            InvokeRateLimitError: [],
            InvokeAuthorizationError: [PermissionError],
            InvokeBadRequestError: [ValueError],
        }
