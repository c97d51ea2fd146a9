from collections.abc import Mapping
from typing import IO

from dify_plugin import Speech2TextModel
from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)


class DemoSpeech2textSpeech2TextModel(Speech2TextModel):
    """A stand-in model that reports the size of the audio instead of its words.

    Replace _invoke's body with a call to your transcription service.
    """

    def _invoke(self, model: str, credentials: dict, file: IO[bytes], user: str | None = None) -> str:
        size = len(file.read())
        return f"(received {size} bytes of audio)"

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
