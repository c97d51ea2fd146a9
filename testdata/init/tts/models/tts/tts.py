import io
import wave
from collections.abc import Generator, Mapping

from dify_plugin import TTSModel
from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)


class DemoTtsText2SpeechModel(TTSModel):
    """A stand-in model that returns a short silent WAV clip per request.

    Replace _invoke's body with a call to your speech service.
    """

    def _invoke(
        self,
        model: str,
        tenant_id: str,
        credentials: dict,
        content_text: str,
        voice: str,
        user: str | None = None,
    ) -> bytes | Generator[bytes, None, None]:
        seconds = min(10, max(1, len(content_text.split()) // 3))
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as clip:
            clip.setnchannels(1)
            clip.setsampwidth(2)
            clip.setframerate(16000)
            clip.writeframes(b"\x00\x00" * 16000 * seconds)
        return buffer.getvalue()

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
