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
from dify_plugin.core.entities.plugin.request import DatasourceActions, DatasourceCrawlWebsiteRequest, PluginInvokeType
from dify_plugin.entities.datasource import WebsiteCrawlMessage
from dify_plugin.integration.run import PluginRunner

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def runner():
    # A directory is packaged first (dify plugin package), then run.
    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as running:
        yield running


def test_crawl_reads_the_page(runner, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Test page</title></head><body>Hello</body></html>")
    (message,) = runner.invoke(
        PluginInvokeType.Datasource,
        DatasourceActions.InvokeWebsiteDatasourceGetCrawl,
        payload=DatasourceCrawlWebsiteRequest(
            user_id="test",
            provider="demo_datasource",
            datasource="demo_datasource",
            credentials={},
            datasource_parameters={"url": page.as_uri()},
        ),
        response_type=WebsiteCrawlMessage,
    )
    assert message.result.web_info_list[0].title == "Test page"
