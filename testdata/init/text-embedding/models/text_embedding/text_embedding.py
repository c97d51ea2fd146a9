import hashlib
import math
from collections.abc import Mapping
from decimal import Decimal

from dify_plugin import TextEmbeddingModel
from dify_plugin.entities.model import EmbeddingInputType
from dify_plugin.entities.model.text_embedding import EmbeddingUsage, TextEmbeddingResult
from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)

DIMENSIONS = 64



def estimate_tokens(text: str) -> int:
    """About four characters a token: a count that needs no download.

    The SDK's _get_num_tokens_by_gpt2 downloads GPT-2's vocabulary on first
    use, so it fails without internet; use your model's own tokenizer here.
    """
    return (len(text) + 3) // 4

class DemoTextEmbeddingTextEmbeddingModel(TextEmbeddingModel):
    """A stand-in model that embeds words by hashing them.

    Replace _embed with a call to your embedding service.
    """

    def _invoke(
        self,
        model: str,
        credentials: dict,
        texts: list[str],
        user: str | None = None,
        input_type: EmbeddingInputType = EmbeddingInputType.DOCUMENT,
    ) -> TextEmbeddingResult:
        tokens = sum(self.get_num_tokens(model, credentials, texts))
        usage = EmbeddingUsage(
            tokens=tokens,
            total_tokens=tokens,
            unit_price=Decimal("0"),
            price_unit=Decimal("0"),
            total_price=Decimal("0"),
            currency="USD",
            latency=0.0,
        )
        return TextEmbeddingResult(model=model, embeddings=[self._embed(t) for t in texts], usage=usage)

    def get_num_tokens(self, model: str, credentials: dict, texts: list[str]) -> list[int]:
        return [estimate_tokens(text) for text in texts]

    @staticmethod
    def _embed(text: str) -> list[float]:
        vector = [0.0] * DIMENSIONS
        for word in text.lower().split():
            digest = hashlib.sha256(word.encode()).digest()
            vector[digest[0] % DIMENSIONS] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

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
