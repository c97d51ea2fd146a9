import logging
from collections.abc import Mapping

from dify_plugin import ModelProvider
from dify_plugin.entities.model import ModelType
from dify_plugin.errors.model import CredentialsValidateFailedError

logger = logging.getLogger(__name__)

# The model used to check credentials: one of the predefined models.
_MODELS = {
    "llm": (ModelType.LLM, "echo-chat"),
    "text-embedding": (ModelType.TEXT_EMBEDDING, "hash-embedding"),
    "rerank": (ModelType.RERANK, "overlap-rerank"),
    "tts": (ModelType.TTS, "silent-tts"),
    "speech2text": (ModelType.SPEECH2TEXT, "size-stt"),
    "moderation": (ModelType.MODERATION, "keyword-moderation"),
}


class DemoModerationModelProvider(ModelProvider):
    def validate_provider_credentials(self, credentials: Mapping) -> None:
        model_type, model = _MODELS["moderation"]
        try:
            self.get_model_instance(model_type).validate_credentials(model=model, credentials=credentials)
        except CredentialsValidateFailedError:
            raise
        except Exception:
            logger.exception("credentials validation failed")
            raise
