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
from dify_plugin.core.entities.plugin.request import AgentActions, AgentInvokeRequest, PluginInvokeType
from dify_plugin.entities.agent import AgentInvokeMessage
from dify_plugin.integration.run import PluginRunner

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


def test_strategy_answers(runner):
    # The model is Dify's: `dify plugin run` answers the strategy's LLM calls
    # with a stand-in that says "hello world world ! !".
    messages = list(
        runner.invoke(
            PluginInvokeType.Agent,
            AgentActions.InvokeAgentStrategy,
            payload=AgentInvokeRequest(
                user_id="test",
                agent_strategy_provider="demo_agent_strategy",
                agent_strategy="demo_agent_strategy",
                agent_strategy_params={
                    "model": {"provider": "langgenius/openai/openai", "model": "gpt-4o", "model_type": "llm", "mode": "chat"},
                    "query": "hello",
                },
            ),
            response_type=AgentInvokeMessage,
        )
    )
    texts = [m.message.text for m in messages if m.type == AgentInvokeMessage.MessageType.TEXT]
    assert texts[-1] == "hello world world ! !"
