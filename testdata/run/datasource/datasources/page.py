import html
import re
import urllib.request
from collections.abc import Generator, Mapping
from typing import Any

from dify_plugin.entities.datasource import WebsiteCrawlMessage, WebSiteInfo, WebSiteInfoDetail
from dify_plugin.interfaces.datasource.website import WebsiteCrawlDatasource


class MDatasourceDatasource(WebsiteCrawlDatasource):
    """Imports one web page as a document. Replace _fetch to crawl your source."""

    def _get_website_crawl(self, datasource_parameters: Mapping[str, Any]) -> Generator[WebsiteCrawlMessage, None, None]:
        url = str(datasource_parameters["url"])
        title, text = self._fetch(url)
        page = WebSiteInfoDetail(source_url=url, content=text, title=title, description="")
        yield self.create_crawl_message(WebSiteInfo(status="completed", web_info_list=[page], total=1, completed=1))

    @staticmethod
    def _fetch(url: str) -> tuple[str, str]:
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode("utf-8", errors="replace")
        match = re.search(r"<title[^>]*>(.*?)</title>", page, re.IGNORECASE | re.DOTALL)
        title = html.unescape(match.group(1).strip()) if match else url
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.IGNORECASE | re.DOTALL)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        return title, re.sub(r"\s+", " ", text).strip()
