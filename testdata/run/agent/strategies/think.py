# The double (main.py) answers for this strategy. These are the calls a real
# one makes through the session, which the manifest's permissions are for.


def think(session, model_config, messages, tool):
    session.model.llm.invoke(model_config=model_config, prompt_messages=messages, stream=False)
    return session.tool.invoke(provider_type=tool.provider_type, provider=tool.provider, tool_name=tool.name, parameters={})
