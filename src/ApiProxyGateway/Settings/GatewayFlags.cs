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
        ["--client-crl-file"] = "Revocation:CrlFiles",
        ["--client-certificate-denylist-file"] = "Revocation:DenylistFile",
        ["--max-client-certificate-lifetime"] = "Authentication:MaxClientCertificateLifetime",
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
        ["--record-sessions"] = "Recording:Mode",
        ["--record-input"] = "Recording:RecordInput",
        ["--recording-dir"] = "Recording:Directory",
        ["--recording-required"] = "Recording:Required",
        ["--tracing-otlp-endpoint"] = "Tracing:OtlpEndpoint",
        ["--tracing-otlp-certificate-authority"] = "Tracing:CertificateAuthority",
        ["--tracing-sampling-ratio"] = "Tracing:SamplingRatio",
        ["--tracing-service-name"] = "Tracing:ServiceName",
    };

    /// <summary>Flags that take a list, as kube's string-slice flags do: repeated, comma-separated, or both.</summary>
    public static IReadOnlySet<string> ListFlags { get; } = new HashSet<string>(StringComparer.Ordinal) { "--client-crl-file" };

    /// <summary>Flags that are true when given alone, as kube's boolean flags are (<c>--recording-required</c>); <c>=false</c> turns them off.</summary>
    public static IReadOnlySet<string> BooleanFlags { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "--stream-reauthorization-fail-open", "--record-input", "--recording-required",
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

    /// <summary>
    /// The command line with each list flag's values turned into indexed settings (<c>--client-crl-file a,b
    /// --client-crl-file c</c> becomes <c>--Revocation:CrlFiles:0=a</c>, <c>:1=b</c>, <c>:2=c</c>), since the
    /// configuration's command-line provider keeps only the last value of a key; and each boolean flag given alone
    /// set to true (the provider would take the next argument as its value). Everything else is left as it is.
    /// </summary>
    public static string[] ExpandLists(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var expanded = new List<string>(args.Count);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var parts = args[i].Split('=', 2);
            if (parts.Length == 1 && BooleanFlags.Contains(parts[0]))
            {
                expanded.Add(parts[0] + "=true");
                continue;
            }

            if (!ListFlags.Contains(parts[0]) || (parts.Length == 1 && i + 1 >= args.Count))
            {
                expanded.Add(args[i]); // not a list flag, or one without a value: the provider treats it as before
                continue;
            }

            var setting = SwitchMappings[parts[0]];
            foreach (var value in (parts.Length == 2 ? parts[1] : args[++i]).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var index = counts.GetValueOrDefault(setting);
                counts[setting] = index + 1;
                expanded.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--{setting}:{index}={value}"));
            }
        }

        return [.. expanded];
    }

    /// <summary>Names a setting the way an operator can find it: <c>Serving:TlsCertFile (--tls-cert-file)</c>.</summary>
    public static string Describe(string setting) =>
        FlagBySetting.TryGetValue(setting, out var flag) ? $"{setting} ({flag})" : setting;
}
