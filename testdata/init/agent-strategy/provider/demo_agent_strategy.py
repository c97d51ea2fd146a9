from dify_plugin.interfaces.agent import AgentProvider


class DemoAgentStrategyAgentProvider(AgentProvider):
    """The provider of the strategies listed in provider/demo_agent_strategy.yaml."""
