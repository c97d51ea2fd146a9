import logging
from collections.abc import Mapping

from dify_plugin import ModelProvider
from dify_plugin.entities.model import ModelType
from dify_plugin.errors.model import CredentialsValidateFailedError

logger = logging.getLogger(__name__)


class DemoTtsModelProvider(ModelProvider):
    def validate_provider_credentials(self, credentials: Mapping) -> None:
        try:
            # Checking the credentials with one of the provider's models is enough.
            self.get_model_instance(ModelType.TTS).validate_credentials(
                model="silent-tts", credentials=credentials
            )
        except CredentialsValidateFailedError:
            raise
        except Exception:
            logger.exception("credentials validation failed")
            raise
