"""Tests that run the plugin as Dify runs it.

`dify plugin run` starts the plugin the way the Dify daemon does, and the
SDK's PluginRunner sends it requests, as in the tests of Dify's own plugins.

    pip install -r requirements.txt pytest     # or: uv sync && uv run pytest
    pytest tests

The dify command must be on PATH, or named by DIFY_CLI_PATH.
"""

from pathlib import Path

import pytest
from dify_plugin.config.integration_config import IntegrationConfig
from dify_plugin.core.entities.plugin.request import PluginInvokeType, ToolActions, ToolInvokeRequest
from dify_plugin.entities.tool import ToolInvokeMessage
from dify_plugin.integration.run import PluginRunner

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


def test_tool_answers(runner):
    messages = list(
        runner.invoke(
            PluginInvokeType.Tool,
            ToolActions.InvokeTool,
            payload=ToolInvokeRequest(
                user_id="test",
                provider="demo_tool",
                tool="demo_tool",
                credentials={},
                tool_parameters={"query": "hello"},
            ),
            response_type=ToolInvokeMessage,
        )
    )
    texts = [m.message.text for m in messages if m.type == ToolInvokeMessage.MessageType.TEXT]
    assert texts == ["demo_tool received: hello"]
