from collections.abc import Generator, Mapping

from dify_plugin import LargeLanguageModel
from dify_plugin.entities.model.llm import LLMResult, LLMResultChunk, LLMResultChunkDelta, LLMUsage
from dify_plugin.entities.model.message import (
    AssistantPromptMessage,
    PromptMessage,
    PromptMessageTool,
    UserPromptMessage,
)
from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)



def estimate_tokens(text: str) -> int:
    """About four characters a token: a count that needs no download.

    The SDK's _get_num_tokens_by_gpt2 downloads GPT-2's vocabulary on first
    use, so it fails without internet; use your model's own tokenizer here.
    """
    return (len(text) + 3) // 4

class DemoLlmLargeLanguageModel(LargeLanguageModel):
    """A stand-in model that answers from the last user message.

    Replace _reply with a call to your model service.
    """

    def _invoke(
        self,
        model: str,
        credentials: dict,
        prompt_messages: list[PromptMessage],
        model_parameters: dict,
        tools: list[PromptMessageTool] | None = None,
        stop: list[str] | None = None,
        stream: bool = True,
        user: str | None = None,
    ) -> LLMResult | Generator[LLMResultChunk, None, None]:
        text = self._reply(prompt_messages)
        prompt_tokens = self.get_num_tokens(model, credentials, prompt_messages, tools)
        usage = self._calc_response_usage(model, credentials, prompt_tokens, estimate_tokens(text))
        if not stream:
            return LLMResult(
                model=model,
                prompt_messages=prompt_messages,
                message=AssistantPromptMessage(content=text),
                usage=usage,
            )
        return self._stream(model, prompt_messages, text, usage)

    def _stream(
        self, model: str, prompt_messages: list[PromptMessage], text: str, usage: LLMUsage
    ) -> Generator[LLMResultChunk, None, None]:
        words = text.split(" ")
        for index, word in enumerate(words):
            last = index == len(words) - 1
            yield LLMResultChunk(
                model=model,
                prompt_messages=prompt_messages,
                delta=LLMResultChunkDelta(
                    index=index,
                    message=AssistantPromptMessage(content=word if index == 0 else " " + word),
                    usage=usage if last else None,
                    finish_reason="stop" if last else None,
                ),
            )

    def get_num_tokens(
        self,
        model: str,
        credentials: dict,
        prompt_messages: list[PromptMessage],
        tools: list[PromptMessageTool] | None = None,
    ) -> int:
        return sum(estimate_tokens(str(m.content or "")) for m in prompt_messages)

    @staticmethod
    def _reply(prompt_messages: list[PromptMessage]) -> str:
        for message in reversed(prompt_messages):
            if isinstance(message, UserPromptMessage):
                return f"You said: {message.content}"
        return "Hello!"

    def validate_credentials(self, model: str, credentials: Mapping) -> None:
        """Call your service with the credentials and raise CredentialsValidateFailedError if refused."""
        if credentials.get("api_key") == "invalid":
            raise CredentialsValidateFailedError("the API key was refused")

    @property
    def _invoke_error_mapping(self) -> dict[type[InvokeError], list[type[Exception]]]:
        """Map the errors your client library raises to Dify's error kinds."""
        return {
            InvokeConnectionError: [ConnectionError],
            InvokeServerUnavailableError: [],
            InvokeRateLimitError: [],
            InvokeAuthorizationError: [PermissionError],
            InvokeBadRequestError: [ValueError],
        }
