import json
from collections.abc import Generator
from typing import Any

from pydantic import BaseModel

from dify_plugin.entities.agent import AgentInvokeMessage
from dify_plugin.entities.model.llm import LLMModelConfig
from dify_plugin.entities.model.message import ToolPromptMessage, UserPromptMessage
from dify_plugin.interfaces.agent import AgentModelConfig, AgentStrategy, ToolEntity


class MAgentStrategyParameters(BaseModel):
    model: AgentModelConfig
    tools: list[ToolEntity] | None = None
    query: str
    max_iterations: int = 3


class MAgentStrategyAgentStrategy(AgentStrategy):
    """Function calling: ask the model, run the tools it calls, repeat until it answers."""

    def _invoke(self, parameters: dict[str, Any]) -> Generator[AgentInvokeMessage, None, None]:
        params = MAgentStrategyParameters(**parameters)
        tools = {tool.identity.name: tool for tool in params.tools or []}
        prompt_tools = [self._convert_tool_to_prompt_message_tool(tool) for tool in tools.values()]
        model_config = LLMModelConfig(**params.model.model_dump(mode="json"))
        messages = [*params.model.history_prompt_messages, UserPromptMessage(content=params.query)]

        for _ in range(params.max_iterations):
            result = self.session.model.llm.invoke(
                model_config=model_config,
                prompt_messages=messages,
                tools=prompt_tools,
                stream=False,
            )
            reply = result.message
            messages.append(reply)
            if not reply.tool_calls:
                yield self.create_text_message(str(reply.content or ""))
                return
            for call in reply.tool_calls:
                tool = tools.get(call.function.name)
                output = self._run_tool(tool, call.function.arguments) if tool else f"unknown tool {call.function.name}"
                messages.append(ToolPromptMessage(content=output, tool_call_id=call.id, name=call.function.name))

        yield self.create_text_message("Stopped: the maximum number of iterations was reached.")

    def _run_tool(self, tool: ToolEntity, arguments: str) -> str:
        parameters = {**tool.runtime_parameters, **json.loads(arguments or "{}")}
        outputs = self.session.tool.invoke(
            provider_type=tool.provider_type,
            provider=tool.identity.provider,
            tool_name=tool.identity.name,
            parameters=parameters,
        )
        return "\n".join(str(output.message) for output in outputs)
