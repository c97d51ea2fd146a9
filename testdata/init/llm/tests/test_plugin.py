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
from dify_plugin.core.entities.plugin.request import ModelActions, ModelInvokeLLMRequest, PluginInvokeType
from dify_plugin.entities.model import ModelType
from dify_plugin.entities.model.llm import LLMResultChunk
from dify_plugin.entities.model.message import UserPromptMessage
from dify_plugin.integration.run import PluginRunner

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


def test_llm_answers(runner):
    chunks = runner.invoke(
        PluginInvokeType.Model,
        ModelActions.InvokeLLM,
        payload=ModelInvokeLLMRequest(
            user_id="test",
            provider="demo_llm",
            model_type=ModelType.LLM,
            model="echo-chat",
            credentials={"api_key": "test"},
            prompt_messages=[UserPromptMessage(content="hello")],
            model_parameters={},
            stop=None,
            tools=None,
            stream=True,
        ),
        response_type=LLMResultChunk,
    )
    assert "".join(str(c.delta.message.content) for c in chunks) == "You said: hello"
