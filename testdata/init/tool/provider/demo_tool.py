from typing import Any

from dify_plugin import ToolProvider
from dify_plugin.errors.tool import ToolProviderCredentialValidationError


class DemoToolProvider(ToolProvider):
    def _validate_credentials(self, credentials: dict[str, Any]) -> None:
        """Check the credentials declared in credentials_for_provider, if any.

        Raise ToolProviderCredentialValidationError with a helpful message when
        they are refused.
        """
        try:
            pass
        except Exception as e:
            raise ToolProviderCredentialValidationError(str(e)) from e
