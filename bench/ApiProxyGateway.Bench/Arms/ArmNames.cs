namespace ApiProxyGateway.Bench.Arms;

internal static class ArmNames
{
    public const string Direct = "direct";
    public const string Gateway = "gateway";
    public const string Nginx = "nginx";
    public const string Haproxy = "haproxy";
    public const string ApiServer = "apiserver";

    /// <summary>The arms that proxy (and so have a process whose CPU and memory are measured).</summary>
    public static readonly string[] Proxies = [Gateway, Nginx, Haproxy];
}
