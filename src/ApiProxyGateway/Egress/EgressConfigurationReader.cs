using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ApiProxyGateway.Egress;

/// <summary>
/// Reads the file kube-apiserver reads for <c>--egress-selector-config-file</c>, as strictly as its decoder does
/// (<c>serializer.EnableStrict</c>): exact field names, no unknown or duplicate fields, the right kind and version.
/// Every problem is reported, each with the field's path and line.
/// </summary>
internal static class EgressConfigurationReader
{
    /// <summary>The largest file read: a real one is a few hundred bytes, and a parser has limits.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    public static (EgressSelectorConfiguration? Configuration, IReadOnlyList<string> Errors) Read(string path)
    {
        string text;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[MaxFileBytes + 1];
            var filled = 0;
            int read;
            while (filled < bytes.Length && (read = file.Read(bytes, filled, bytes.Length - filled)) > 0)
            {
                filled += read;
            }

            if (filled > MaxFileBytes)
            {
                return (null, [string.Create(CultureInfo.InvariantCulture, $"the file is larger than {MaxFileBytes} bytes; an EgressSelectorConfiguration is a few hundred")]);
            }

            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 0, filled).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return (null, ["the file is not UTF-8 text"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, [e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : $"the file cannot be read: {e.Message}"]);
        }

        return Parse(text);
    }

    public static (EgressSelectorConfiguration? Configuration, IReadOnlyList<string> Errors) Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // Duplicate fields land here too ("Duplicate key name"), as kube's strict decoder refuses them.
            return (null, [string.Create(CultureInfo.InvariantCulture, $"line {e.Start.Line}: not valid YAML: {e.Message}")]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 18.1 throws these on some malformed input (found by the egress-selector-config property test
            // and fuzz target: a plain scalar it cannot scan, "!![", "-\0:"): still malformed YAML, never a crash.
            return (null, [$"not valid YAML: {e.Message}"]);
        }

        if (stream.Documents.Count != 1)
        {
            return (null, [stream.Documents.Count == 0
                ? $"the file is empty; expected kind: {EgressSelectorConfiguration.Kind}"
                : $"the file holds {stream.Documents.Count} YAML documents; expected one {EgressSelectorConfiguration.Kind}"]);
        }

        var errors = new List<string>();
        if (YamlFields.From(stream.Documents[0].RootNode, "", errors) is not { } root)
        {
            return (null, errors.Count > 0 ? errors : ["the document is empty"]);
        }

        var apiVersion = root.String("apiVersion");
        var kind = root.String("kind");
        var selections = root.List("egressSelections").Select(item => ReadSelection(item.Item, item.Path, errors)).OfType<EgressSelection>().ToArray();
        root.RejectUnknown();
        if (kind != EgressSelectorConfiguration.Kind)
        {
            errors.Insert(0, kind is null
                ? $"kind: required, expected {EgressSelectorConfiguration.Kind}"
                : $"kind: \"{kind}\" is not supported, expected {EgressSelectorConfiguration.Kind}");
        }

        if (apiVersion is null || !EgressSelectorConfiguration.ApiVersions.Contains(apiVersion, StringComparer.Ordinal))
        {
            var expected = string.Join(" or ", EgressSelectorConfiguration.ApiVersions);
            errors.Insert(0, apiVersion is null ? $"apiVersion: required, expected {expected}" : $"apiVersion: \"{apiVersion}\" is not supported, expected {expected}");
        }

        return errors.Count > 0 ? (null, errors) : (new EgressSelectorConfiguration { ApiVersion = apiVersion!, EgressSelections = selections }, errors); // apiVersion checked above
    }

    private static EgressSelection? ReadSelection(YamlNode node, string path, List<string> errors)
    {
        if (YamlFields.From(node, path, errors) is not { } fields)
        {
            return null;
        }

        var name = fields.String("name") ?? "";
        var connection = fields.Object("connection") is { } c ? ReadConnection(c) : new EgressConnection();
        fields.RejectUnknown();

        // kube-apiserver's v1alpha1 and v1beta1 conversions: "master" is the deprecated name of "controlplane".
        return new EgressSelection { Name = name == "master" ? EgressSelection.ControlPlane : name, Connection = connection };
    }

    private static EgressConnection ReadConnection(YamlFields fields)
    {
        var protocol = fields.String("proxyProtocol") ?? "";
        EgressTransport? transport = null;
        if (fields.Object("transport") is { } t)
        {
            var tcp = t.Object("tcp") is { } tcpFields ? ReadTcp(tcpFields) : null;
            var uds = t.Object("uds") is { } udsFields ? ReadUds(udsFields) : null;
            t.RejectUnknown();
            transport = new EgressTransport { Tcp = tcp, Uds = uds };
        }

        fields.RejectUnknown();
        return new EgressConnection { ProxyProtocol = protocol, Transport = transport };
    }

    private static EgressUdsTransport ReadUds(YamlFields fields)
    {
        var uds = new EgressUdsTransport { UdsName = fields.String("udsName") ?? "" };
        fields.RejectUnknown();
        return uds;
    }

    private static EgressTcpTransport ReadTcp(YamlFields fields)
    {
        var url = fields.String("url") ?? "";
        EgressTlsConfig? tls = null;
        if (fields.Object("tlsConfig") is { } t)
        {
            tls = new EgressTlsConfig
            {
                CaBundle = t.String("caBundle") ?? "",
                ClientCert = t.String("clientCert") ?? "",
                ClientKey = t.String("clientKey") ?? "",
                TlsServerName = t.String("tlsServerName") ?? "",
            };
            t.RejectUnknown();
        }

        fields.RejectUnknown();
        return new EgressTcpTransport { Url = url, TlsConfig = tls };
    }
}
