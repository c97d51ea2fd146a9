from dify_plugin import DifyPluginEnv, Plugin

# MAX_REQUEST_TIMEOUT is how long (seconds) one request to the plugin may take.
plugin = Plugin(DifyPluginEnv(MAX_REQUEST_TIMEOUT=120))

if __name__ == "__main__":
    plugin.run()
