from dify_plugin.interfaces.agent import AgentProvider


class MAgentStrategyAgentProvider(AgentProvider):
    """The provider of the strategies listed in provider/double_agent.yaml."""
