namespace ApiProxyGateway.Bench.Arms;

internal static class ArmNames
{
    public const string Direct = "direct";
    public const string Gateway = "gateway";
    public const string Nginx = "nginx";
    public const string Haproxy = "haproxy";
    public const string ApiServer = "apiserver";

    /// <summary>Kestrel and YARP's forwarder with the same TLS work and nothing of the gateway (<see cref="BareForwarder"/>): the stack's floor.</summary>
    public const string AspNetCore = "aspnetcore";

    /// <summary>The gateway of a sandbox whose node sits behind a konnectivity-agent: GRPC to konnectivity-server over its Unix domain socket.</summary>
    public const string GatewayGrpc = "gateway+grpc";

    /// <summary>As <see cref="GatewayGrpc"/>, with HTTP CONNECT over the same socket.</summary>
    public const string GatewayHttpConnect = "gateway+http-connect";

    /// <summary>The arms that proxy (and so have a process whose CPU and memory are measured).</summary>
    public static readonly string[] Proxies = [Gateway, AspNetCore, Nginx, Haproxy];
}
