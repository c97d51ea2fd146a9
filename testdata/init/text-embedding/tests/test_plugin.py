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
from dify_plugin.core.entities.plugin.request import ModelActions, ModelInvokeTextEmbeddingRequest, PluginInvokeType
from dify_plugin.entities.model import EmbeddingInputType, ModelType
from dify_plugin.entities.model.text_embedding import TextEmbeddingResult
from dify_plugin.integration.run import PluginRunner

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


def test_embeddings(runner):
    (result,) = runner.invoke(
        PluginInvokeType.Model,
        ModelActions.InvokeTextEmbedding,
        payload=ModelInvokeTextEmbeddingRequest(
            user_id="test",
            provider="demo_text_embedding",
            model_type=ModelType.TEXT_EMBEDDING,
            model="hash-embedding",
            credentials={"api_key": "test"},
            texts=["hello world", "goodbye"],
            input_type=EmbeddingInputType.DOCUMENT,
        ),
        response_type=TextEmbeddingResult,
    )
    assert len(result.embeddings) == 2
    assert all(len(vector) == len(result.embeddings[0]) > 0 for vector in result.embeddings)
