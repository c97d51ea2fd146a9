from collections.abc import Mapping

from dify_plugin import RerankModel
from dify_plugin.entities.model.rerank import RerankDocument, RerankResult
from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)


class DemoRerankRerankModel(RerankModel):
    """A stand-in model that scores documents by the words they share with the query.

    Replace _score with a call to your rerank service.
    """

    def _invoke(
        self,
        model: str,
        credentials: dict,
        query: str,
        docs: list[str],
        score_threshold: float | None = None,
        top_n: int | None = None,
        user: str | None = None,
    ) -> RerankResult:
        scored = [RerankDocument(index=i, text=doc, score=self._score(query, doc)) for i, doc in enumerate(docs)]
        scored.sort(key=lambda d: d.score, reverse=True)
        if score_threshold is not None:
            scored = [d for d in scored if d.score >= score_threshold]
        if top_n is not None:
            scored = scored[:top_n]
        return RerankResult(model=model, docs=scored)

    @staticmethod
    def _score(query: str, doc: str) -> float:
        words = set(query.lower().split())
        if not words:
            return 0.0
        return len(words & set(doc.lower().split())) / len(words)

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
