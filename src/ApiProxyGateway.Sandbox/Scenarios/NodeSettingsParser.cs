using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>Reads one entry of a SandboxConfig's <c>nodes</c> list (the simulated kubelet's faults).</summary>
internal static class NodeSettingsParser
{
    public static readonly string[] Fields = ["name", "servingCertificate", "listening", "responseDelay", "handshakeDelay", "addressTypes", "konnectivityAgent", "agentDialDelay"];

    private static readonly Dictionary<string, KubeletCertificateFault> Certificates = new(StringComparer.Ordinal)
    {
        ["valid"] = KubeletCertificateFault.None,
        ["self-signed"] = KubeletCertificateFault.SelfSigned,
        ["expired"] = KubeletCertificateFault.Expired,
        ["unknown-ca"] = KubeletCertificateFault.UnknownAuthority,
        ["wrong-san"] = KubeletCertificateFault.WrongSubjectAlternativeName,
        ["wrong-cn"] = KubeletCertificateFault.WrongCommonName,
    };

    public static SandboxNodeSettings Parse(JsonNode item, string path, string name)
    {
        var settings = new SandboxNodeSettings(name);
        if (item["servingCertificate"] is { } certificate)
        {
            var text = SandboxConfigParser.StringValue(certificate, $"{path}.servingCertificate");
            settings = settings with
            {
                ServingCertificate = Certificates.TryGetValue(text, out var fault)
                    ? fault
                    : throw SandboxConfigParser.Field($"{path}.servingCertificate", $"unsupported value \"{text}\": supported values: {Quoted(Certificates.Keys)}"),
            };
        }

        settings = settings with
        {
            Listening = Boolean(item, path, "listening", settings.Listening),
            KonnectivityAgent = Boolean(item, path, "konnectivityAgent", settings.KonnectivityAgent),
            ResponseDelay = Duration(item, path, "responseDelay"),
            HandshakeDelay = Duration(item, path, "handshakeDelay"),
            AgentDialDelay = Duration(item, path, "agentDialDelay"),
        };
        if (item["addressTypes"] is not null)
        {
            settings = settings with { AddressTypes = AddressTypes(item, path) };
        }

        return settings;
    }

    private static bool Boolean(JsonNode item, string path, string field, bool fallback) => item[field] switch
    {
        null => fallback,
        var node when node.GetValueKind() is JsonValueKind.True or JsonValueKind.False => node.GetValue<bool>(),
        _ => throw SandboxConfigParser.Field($"{path}.{field}", "must be true or false"),
    };

    private static TimeSpan Duration(JsonNode item, string path, string field)
    {
        if (item[field] is not { } node)
        {
            return TimeSpan.Zero;
        }

        var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
        return GoDuration.TryParse(text, out var duration) && duration <= TimeSpan.FromMinutes(10)
            ? duration
            : throw SandboxConfigParser.Field($"{path}.{field}", $"invalid duration \"{text}\": use a Go duration such as 500ms, 3s or 1m (at most 10m)");
    }

    private static List<string> AddressTypes(JsonNode item, string path)
    {
        var types = new List<string>();
        foreach (var (node, itemPath) in SandboxConfigParser.Items(item, "addressTypes", path))
        {
            var type = SandboxConfigParser.StringValue(node, itemPath);
            if (!SandboxNodeSettings.SupportedAddressTypes.Contains(type))
            {
                throw SandboxConfigParser.Field(itemPath, $"unsupported address type \"{type}\": supported values: {Quoted(SandboxNodeSettings.SupportedAddressTypes)}");
            }

            if (types.Contains(type))
            {
                throw SandboxConfigParser.Field(itemPath, $"duplicate address type \"{type}\"");
            }

            types.Add(type);
        }

        return types.Count > 0 ? types : throw SandboxConfigParser.Field($"{path}.addressTypes", "must name at least one address type");
    }

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));
}
