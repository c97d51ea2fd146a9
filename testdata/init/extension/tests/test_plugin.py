"""Tests that run the plugin as Dify runs it.

`dify plugin run` starts the plugin the way the Dify daemon does, and the
SDK's PluginRunner sends it requests, as in the tests of Dify's own plugins.

    pip install -r requirements.txt pytest     # or: uv sync && uv run pytest
    pytest tests

The dify command must be on PATH, or named by DIFY_CLI_PATH.
"""

import json
from pathlib import Path

import pytest
from dify_plugin.config.integration_config import IntegrationConfig
from dify_plugin.core.entities.plugin.request import EndpointActions, EndpointInvokeRequest, PluginInvokeType
from dify_plugin.integration.run import PluginRunner
from pydantic import BaseModel, ConfigDict

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


class EndpointChunk(BaseModel):
    # The status and headers come first, then the body in hex chunks.
    model_config = ConfigDict(extra="allow")


def test_endpoint_answers(runner):
    request = b"GET /demo_extension?q=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
    chunks = [
        c.model_dump()
        for c in runner.invoke(
            PluginInvokeType.Endpoint,
            EndpointActions.InvokeEndpoint,
            payload=EndpointInvokeRequest(settings={}, raw_http_request=request.hex()),
            response_type=EndpointChunk,
        )
    ]
    assert chunks[0]["status"] == 200
    body = json.loads(b"".join(bytes.fromhex(c["result"]) for c in chunks if "result" in c))
    assert body["plugin"] == "demo_extension"
    assert body["query"] == {"q": "1"}
