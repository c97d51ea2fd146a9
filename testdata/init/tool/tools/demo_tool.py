from collections.abc import Generator
from typing import Any

from dify_plugin import Tool
from dify_plugin.entities.tool import ToolInvokeMessage


class DemoToolTool(Tool):
    def _invoke(self, tool_parameters: dict[str, Any]) -> Generator[ToolInvokeMessage, None, None]:
        query = str(tool_parameters.get("query", ""))
        # Replace this with the tool's work; yield text, JSON, links, images or files.
        yield self.create_text_message(f"demo_tool received: {query}")
        yield self.create_json_message({"query": query, "length": len(query)})
