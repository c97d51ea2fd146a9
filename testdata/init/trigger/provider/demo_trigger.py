import hashlib
import hmac

from werkzeug import Request, Response

from dify_plugin.entities.trigger import EventDispatch, Subscription
from dify_plugin.errors.trigger import TriggerValidationError
from dify_plugin.interfaces.trigger import Trigger


class DemoTriggerTrigger(Trigger):
    def _dispatch_event(self, subscription: Subscription, request: Request) -> EventDispatch:
        """Check an incoming webhook and name the events it fires."""
        secret = subscription.properties.get("webhook_secret")
        if secret:
            expected = hmac.new(str(secret).encode(), request.get_data(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(request.headers.get("X-Signature", ""), expected):
                raise TriggerValidationError("the webhook signature does not match")
        return EventDispatch(events=["demo_trigger_event"], response=Response("ok", status=200))
