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
from dify_plugin.core.entities.plugin.request import ModelActions, ModelInvokeModerationRequest, PluginInvokeType
from dify_plugin.entities.model import ModelType
from dify_plugin.integration.run import PluginRunner
from pydantic import BaseModel

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


class Verdict(BaseModel):
    result: bool


@pytest.mark.parametrize(("text", "flagged"), [("a blocked-word here", True), ("all fine", False)])
def test_moderation(runner, text, flagged):
    (verdict,) = runner.invoke(
        PluginInvokeType.Model,
        ModelActions.InvokeModeration,
        payload=ModelInvokeModerationRequest(
            user_id="test",
            provider="demo_moderation",
            model_type=ModelType.MODERATION,
            model="keyword-moderation",
            credentials={"api_key": "test"},
            text=text,
        ),
        response_type=Verdict,
    )
    assert verdict.result is flagged
