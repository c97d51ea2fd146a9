from collections.abc import Mapping
from typing import Any

from werkzeug import Request

from dify_plugin.entities.trigger import Variables
from dify_plugin.interfaces.trigger import Event


class DemoTriggerEvent(Event):
    def _on_event(self, request: Request, parameters: Mapping[str, Any], payload: Mapping[str, Any]) -> Variables:
        """Turn the webhook call into the variables declared in output_schema."""
        return Variables(variables={"payload": request.get_json(silent=True) or {}})
