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
from dify_plugin.core.entities.plugin.request import ModelActions, ModelInvokeSpeech2TextRequest, PluginInvokeType
from dify_plugin.entities.model import ModelType
from dify_plugin.integration.run import PluginRunner
from pydantic import BaseModel

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


class Transcript(BaseModel):
    result: str


def test_transcript(runner):
    (transcript,) = runner.invoke(
        PluginInvokeType.Model,
        ModelActions.InvokeSpeech2Text,
        payload=ModelInvokeSpeech2TextRequest(
            user_id="test",
            provider="demo_speech2text",
            model_type=ModelType.SPEECH2TEXT,
            model="size-stt",
            credentials={"api_key": "test"},
            file=b"0123456789".hex(),
        ),
        response_type=Transcript,
    )
    assert transcript.result == "(received 10 bytes of audio)"
