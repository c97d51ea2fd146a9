import json
from collections.abc import Mapping

from werkzeug import Request, Response

from dify_plugin import Endpoint


class DemoExtensionEndpoint(Endpoint):
    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:
        """Answer GET /demo_extension; values holds path parameters, settings the endpoint's settings."""
        body = {"plugin": "demo_extension", "path": r.path, "query": r.args.to_dict()}
        return Response(json.dumps(body), status=200, content_type="application/json")
