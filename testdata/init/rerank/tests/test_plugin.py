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
from dify_plugin.core.entities.plugin.request import ModelActions, ModelInvokeRerankRequest, PluginInvokeType
from dify_plugin.entities.model import ModelType
from dify_plugin.entities.model.rerank import RerankResult
from dify_plugin.integration.run import PluginRunner

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


def test_rerank_puts_the_match_first(runner):
    (result,) = runner.invoke(
        PluginInvokeType.Model,
        ModelActions.InvokeRerank,
        payload=ModelInvokeRerankRequest(
            user_id="test",
            provider="demo_rerank",
            model_type=ModelType.RERANK,
            model="overlap-rerank",
            credentials={"api_key": "test"},
            query="black cat",
            docs=["a white dog", "a black cat"],
            score_threshold=None,
            top_n=None,
        ),
        response_type=RerankResult,
    )
    assert result.docs[0].text == "a black cat"
