namespace ApiProxyGateway.Settings;

/// <summary>
/// Command-line flags, named like the kube-apiserver flags operators already know, and the settings they set.
/// Environment variables use the setting name with the <see cref="EnvironmentPrefix"/> and <c>__</c> for <c>:</c>.
/// A leaf: every feature's options validator names its settings through <see cref="Describe"/>.
/// </summary>
internal static class GatewayFlags
{
    public const string EnvironmentPrefix = "APIPROXYGATEWAY_";

    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--bind-address"] = "Serving:BindAddress",
        ["--secure-port"] = "Serving:SecurePort",
        ["--tls-cert-file"] = "Serving:TlsCertFile",
        ["--tls-private-key-file"] = "Serving:TlsPrivateKeyFile",
        ["--client-ca-file"] = "Serving:ClientCaFile",
        ["--kubeconfig"] = "ApiServer:Kubeconfig",
        ["--kubelet-certificate-authority"] = "Kubelet:CertificateAuthority",
        ["--kubelet-client-certificate"] = "Kubelet:ClientCertificate",
        ["--kubelet-client-key"] = "Kubelet:ClientKey",
        ["--kubelet-preferred-address-types"] = "Kubelet:PreferredAddressTypes",
        ["--kubelet-port"] = "Kubelet:Port",
        ["--kubelet-timeout"] = "Kubelet:Timeout",
        ["--operations-bind-address"] = "Operations:BindAddress",
        ["--operations-port"] = "Operations:Port",
        ["--proxy-client-cert-file"] = "Proxy:ClientCertificate",
        ["--proxy-client-key-file"] = "Proxy:ClientKey",
        ["--workload-certificate-authority"] = "Proxy:WorkloadCertificateAuthority",
        ["--audit-log-path"] = "Audit:Path",
        ["--audit-log-maxsize"] = "Audit:MaxSizeMegabytes",
        ["--audit-log-maxbackup"] = "Audit:MaxBackups",
        ["--egress-selector-config-file"] = "Egress:SelectorConfigFile",
        ["--stream-reauthorization-interval"] = "Sessions:StreamReauthorizationInterval",
        ["--stream-reauthorization-grace-period"] = "Sessions:StreamReauthorizationGracePeriod",
        ["--stream-reauthorization-fail-open"] = "Sessions:StreamReauthorizationFailOpen",
    };

    private static readonly Dictionary<string, string> FlagBySetting =
        SwitchMappings.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Flags that mean nothing to the gateway (a typo would otherwise be silently ignored). Accepted: the mapped
    /// flags, the host's own (<c>--environment</c>, <c>--contentRoot</c>, <c>--applicationName</c>), and any setting
    /// by name (<c>--Section:Key[=value]</c>).
    /// </summary>
    public static IReadOnlyList<string> Unknown(IEnumerable<string> args) =>
        [.. args.Where(arg => arg.StartsWith('-'))
            .Select(arg => arg.Split('=', 2)[0])
            .Where(flag => !SwitchMappings.ContainsKey(flag) && flag is not ("--environment" or "--contentRoot" or "--applicationName") && !flag.Contains(':', StringComparison.Ordinal))];

    /// <summary>Names a setting the way an operator can find it: <c>Serving:TlsCertFile (--tls-cert-file)</c>.</summary>
    public static string Describe(string setting) =>
        FlagBySetting.TryGetValue(setting, out var flag) ? $"{setting} ({flag})" : setting;
}
