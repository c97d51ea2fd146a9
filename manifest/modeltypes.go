package manifest

// ModelType is a kind of model a provider offers and a plugin may invoke:
// its name in model files and the SDK (model_type: text-embedding), and its
// key in a provider's models block and in resource.permission.model
// (text_embedding).
type ModelType struct {
	Name string
	Key  string
}

// ModelTypes are the model types of Dify's plugin system, the one list
// every other is made from: model files, models blocks, the model
// permission, invoke's subcommands, init's categories.
var ModelTypes = []ModelType{
	{"llm", "llm"},
	{"text-embedding", "text_embedding"},
	{"rerank", "rerank"},
	{"tts", "tts"},
	{"speech2text", "speech2text"},
	{"moderation", "moderation"},
}

// ModelTypeNames are the names of ModelTypes.
func ModelTypeNames() []string {
	out := make([]string, len(ModelTypes))
	for i, t := range ModelTypes {
		out[i] = t.Name
	}
	return out
}

// ModelTypeKeys are the keys of ModelTypes.
func ModelTypeKeys() []string {
	out := make([]string, len(ModelTypes))
	for i, t := range ModelTypes {
		out[i] = t.Key
	}
	return out
}

// ModelTypeKey is the key of a model type name ("text-embedding" →
// "text_embedding"), "" for none.
func ModelTypeKey(name string) string {
	for _, t := range ModelTypes {
		if t.Name == name {
			return t.Key
		}
	}
	return ""
}
