using System.Text.Json.Serialization;

namespace ApiProxyGateway.Protocols.Kubernetes;

// Go's encoding/json matches field names without regard to case: the JavaScript client sends {"height":40,"width":100}.
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ExecStatus))]
[JsonSerializable(typeof(TerminalSize))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
