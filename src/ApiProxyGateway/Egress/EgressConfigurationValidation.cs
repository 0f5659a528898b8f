using System.Globalization;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Egress;

/// <summary>
/// kube-apiserver's rules for an <c>EgressSelectorConfiguration</c> (<c>ValidateEgressSelectorConfiguration</c> in
/// k8s.io/apiserver/pkg/server/egressselector/config.go), with its messages, plus the gateway's own: TLS to a
/// Konnectivity server is mandatory on TCP and trusts only the given CA bundle, and the certificate files must load
/// now rather than on the first dial. Every problem is reported, each naming its field and bad value.
/// </summary>
internal static class EgressConfigurationValidation
{
    private static readonly string[] Names = [EgressSelection.Cluster, EgressSelection.ControlPlane, EgressSelection.Etcd];
    private static readonly string[] Protocols = [EgressConnection.Direct, EgressConnection.Grpc, EgressConnection.HttpConnect];

    public static IReadOnlyList<string> Validate(EgressSelectorConfiguration configuration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < configuration.EgressSelections.Count; i++)
        {
            var selection = configuration.EgressSelections[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"egressSelections[{i}]");

            // kube-apiserver compares names lower-cased, after converting "master" (exactly) to "controlplane".
            var name = selection.Name.ToLowerInvariant();
            if (!seen.Add(name))
            {
                errors.Add($"{path}.name: Duplicate value: \"{name}\"");
            }
            else if (!Names.Contains(name, StringComparer.Ordinal))
            {
                errors.Add($"{path}.name: Unsupported value: \"{name}\": supported values: {Quoted(Names)}");
            }

            ValidateConnection(selection.Connection, $"{path}.connection", now, errors);
        }

        return errors;
    }

    private static void ValidateConnection(EgressConnection connection, string path, DateTimeOffset now, List<string> errors)
    {
        var transport = connection.Transport;
        switch (connection.ProxyProtocol)
        {
            case EgressConnection.Direct when transport is not null:
                errors.Add($"{path}.transport: Invalid value: \"direct\": config must be absent for direct connect");
                break;
            case EgressConnection.Direct:
                break;
            case EgressConnection.HttpConnect when transport is null:
                errors.Add($"{path}.transport: Required value: transport must be set for HTTPConnect");
                break;
            case EgressConnection.HttpConnect when transport.Tcp is not null && transport.Uds is not null:
                errors.Add($"{path}.transport.tcp: Invalid value: \"{transport.Tcp.Url}\": TCP and UDS cannot both be set");
                break;
            case EgressConnection.HttpConnect when transport.Tcp is { } tcp:
                ValidateTcp(tcp, $"{path}.transport.tcp", now, errors);
                break;
            case EgressConnection.HttpConnect when transport.Uds is { } uds:
                ValidateUds(uds, $"{path}.transport.uds", errors);
                break;
            case EgressConnection.HttpConnect:
                errors.Add($"{path}.transport: Required value: One of TCP or UDS must be set");
                break;
            case EgressConnection.Grpc when transport is null:
                errors.Add($"{path}.transport: Required value: transport must be set for GRPC");
                break;
            case EgressConnection.Grpc when transport.Uds is { } uds:
                // A tcp beside it is ignored, as kube-apiserver ignores it (the selector logs that at start-up).
                ValidateUds(uds, $"{path}.transport.uds", errors);
                break;
            case EgressConnection.Grpc:
                errors.Add($"{path}.transport.uds: Required value: UDS must be set with GRPC (kube-apiserver supports GRPC to the Konnectivity server over a UDS only)");
                break;
            default:
                errors.Add($"{path}.proxyProtocol: Unsupported value: \"{connection.ProxyProtocol}\": supported values: {Quoted(Protocols)}");
                break;
        }
    }

    private static void ValidateUds(EgressUdsTransport uds, string path, List<string> errors)
    {
        if (uds.UdsName.Length == 0)
        {
            errors.Add($"{path}.udsName: Required value: must be present for UDS connections");
        }
        else if (uds.UdsName.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{path}.udsName: Invalid value: \"{uds.UdsName}\": the socket's path, without a unix:// prefix");
        }
    }

    private static void ValidateTcp(EgressTcpTransport tcp, string path, DateTimeOffset now, List<string> errors)
    {
        if (tcp.Url.StartsWith("http://", StringComparison.Ordinal))
        {
            // kube-apiserver accepts a clear-text proxy here; the gateway does not carry any hop without TLS.
            errors.Add($"{path}.url: Invalid value: \"{tcp.Url}\": the gateway reaches a Konnectivity server over TCP with TLS only: use https:// and a tlsConfig, or a UDS");
            return;
        }

        if (!tcp.Url.StartsWith("https://", StringComparison.Ordinal))
        {
            errors.Add($"{path}.url: Invalid value: \"{tcp.Url}\": supported connection protocols are http:// and https://");
            return;
        }

        if (!Uri.TryCreate(tcp.Url, UriKind.Absolute, out var url) || url.Host.Length == 0 || url.UserInfo.Length > 0 || url.PathAndQuery != "/" || url.Fragment.Length > 0)
        {
            errors.Add($"{path}.url: Invalid value: \"{tcp.Url}\": expected https://host[:port] and nothing more");
        }

        if (tcp.TlsConfig is not { } tls)
        {
            errors.Add($"{path}.tlsConfig: Required value: TLSConfig must be present when using HTTPS");
            return;
        }

        ValidateTls(tls, $"{path}.tlsConfig", now, errors);
    }

    private static void ValidateTls(EgressTlsConfig tls, string path, DateTimeOffset now, List<string> errors)
    {
        if (tls.CaBundle.Length == 0)
        {
            // kube-apiserver would trust the system roots; the gateway's trust is always explicit.
            errors.Add($"{path}.caBundle: Required value: the CA bundle that signs the Konnectivity server's certificate (the gateway never trusts the system roots)");
        }
        else
        {
            try
            {
                foreach (var authority in CertificateLoading.Bundle(tls.CaBundle, now))
                {
                    authority.Dispose(); // only checked here; the selector loads its own copy
                }
            }
            catch (InvalidDataException e)
            {
                errors.Add($"{path}.caBundle: Invalid value: \"{tls.CaBundle}\": {e.Message}");
            }
        }

        if (tls.ClientCert.Length == 0)
        {
            errors.Add($"{path}.clientCert: Required value: Using TLS requires clientCert");
        }

        if (tls.ClientKey.Length == 0)
        {
            errors.Add($"{path}.clientKey: Required value: Using TLS requires clientKey");
        }

        if (tls.ClientCert.Length > 0 && tls.ClientKey.Length > 0)
        {
            var loaded = PemFiles.LoadCertificateAndKey(tls.ClientCert, tls.ClientKey);
            if (loaded.CertificateError is { } certificateError)
            {
                errors.Add($"{path}.clientCert: Invalid value: \"{tls.ClientCert}\": {certificateError}");
            }

            if (loaded.KeyError is { } keyError)
            {
                errors.Add($"{path}.clientKey: Invalid value: \"{tls.ClientKey}\": {keyError}");
            }

            if (loaded.Value is { } client)
            {
                using var leaf = client.Certificate;
                foreach (var intermediate in client.Intermediates)
                {
                    intermediate.Dispose();
                }

                if (CertificateValidity.Describe(leaf, now) is { } problem)
                {
                    errors.Add($"{path}.clientCert: Invalid value: \"{tls.ClientCert}\": the client certificate {problem}");
                }
            }
        }

        if (tls.TlsServerName.Length > 0 && Uri.CheckHostName(tls.TlsServerName) == UriHostNameType.Unknown)
        {
            errors.Add($"{path}.tlsServerName: Invalid value: \"{tls.TlsServerName}\": not a host name");
        }
    }

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(value => $"\"{value}\""));
}
