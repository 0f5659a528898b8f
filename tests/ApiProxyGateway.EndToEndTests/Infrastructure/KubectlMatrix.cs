namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// Every kubectl version the machine has and every value of its streaming switches. Tests spread the pairs
/// (version × switch) over their cases so each pair runs at least once without running everything for every version.
/// </summary>
public static class KubectlMatrix
{
    public const string RemoteCommandSwitch = "KUBECTL_REMOTE_COMMAND_WEBSOCKETS";
    public const string PortForwardSwitch = "KUBECTL_PORT_FORWARD_WEBSOCKETS";

    public static readonly string[] Versions = ["1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"];

    /// <summary>"" = unset (the version's default), "true", "false".</summary>
    public static readonly string[] SwitchValues = ["", "true", "false"];

    /// <summary>(version, switch value) for every pair.</summary>
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var version in Versions)
        {
            foreach (var value in SwitchValues)
            {
                data.Add(version, value);
            }
        }

        return data;
    }

    /// <summary>Alternates the two default nodes over the pairs, so both see every protocol switch.</summary>
    public static string NodeFor(string version, string value) =>
        (Array.IndexOf(Versions, version) + Array.IndexOf(SwitchValues, value)) % 2 == 0 ? "node-a" : "node-b";
}
