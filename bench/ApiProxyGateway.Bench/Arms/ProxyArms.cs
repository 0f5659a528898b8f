using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.Bench.Hosting;
using ApiProxyGateway.Bench.Measure;

namespace ApiProxyGateway.Bench.Arms;

/// <summary>
/// nginx, HAProxy and the bare ASP.NET Core forwarder (<see cref="BareForwarder"/>, the aspnetcore arm, on the
/// pods/proxy and API server fronts only) doing the gateway's TLS work on each path: require and verify the client certificate against the
/// cluster CA, re-originate TLS to the upstream with verification (its CA and name) and the gateway's client
/// certificate for that upstream, keep-alive upstream, no logging, one worker pinned to the server core. They cannot do
/// the gateway's Kubernetes authorization; on the API-server path they set Impersonate-User/Group from the client
/// certificate's CN and O, as the gateway does.
/// </summary>
internal sealed class ProxyArms : IAsyncDisposable
{
    private readonly ChildProcess _nginx;
    private readonly ChildProcess _haproxy;
    private readonly ChildProcess _forwarder;

    private ProxyArms(ChildProcess nginx, ChildProcess haproxy, ChildProcess forwarder)
    {
        _nginx = nginx;
        _haproxy = haproxy;
        _forwarder = forwarder;
    }

    public IReadOnlyList<int> NginxProcesses => ProcStat.Tree(_nginx.Id);

    public IReadOnlyList<int> HaproxyProcesses => ProcStat.Tree(_haproxy.Id);

    public IReadOnlyList<int> BareForwarderProcesses => ProcStat.Tree(_forwarder.Id);

    public static async Task<ProxyArms> StartAsync(SandboxInfo info, string directory)
    {
        Directory.CreateDirectory(directory);
        var nginxConf = Path.Combine(directory, "nginx.conf");
        var haproxyCfg = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(nginxConf, ProxyConfigs.Nginx(info, directory));
        await File.WriteAllTextAsync(haproxyCfg, ProxyConfigs.Haproxy(info, directory));
        var nginx = ChildProcess.Start(Pinning.Start(Pinning.ServerCores, "nginx", ["-c", nginxConf, "-p", directory, "-e", Path.Combine(directory, "nginx-error.log")]), Path.Combine(directory, "nginx.out"));
        var haproxy = ChildProcess.Start(Pinning.Start(Pinning.ServerCores, "haproxy", ["-db", "-f", haproxyCfg]), Path.Combine(directory, "haproxy.out"));
        // The bare forwarder runs as the gateway does: this binary under dotnet, with server GC (the harness's own is workstation).
        var forwarderStart = Pinning.Start(Pinning.ServerCores, "dotnet", [typeof(BareForwarder).Assembly.Location, "forwarder", info.BareForwarderAddress, Path.GetDirectoryName(info.Pki("x"))!, info.PodIps["web"], info.ApiServerAddress]);
        forwarderStart.Environment["DOTNET_gcServer"] = "1";
        var forwarder = ChildProcess.Start(forwarderStart, Path.Combine(directory, "forwarder.out"));
        var arms = new ProxyArms(nginx, haproxy, forwarder);
        try
        {
            foreach (var (name, child, address, ports) in new[]
            {
                ("nginx", nginx, info.NginxAddress, new[] { Topology.WorkloadPort, Topology.ApiServerPort, Topology.KubeletPort }),
                ("haproxy", haproxy, info.HaproxyAddress, [Topology.WorkloadPort, Topology.ApiServerPort, Topology.KubeletPort]),
                ("aspnetcore", forwarder, info.BareForwarderAddress, [Topology.WorkloadPort, Topology.ApiServerPort]),
            })
            {
                foreach (var port in ports)
                {
                    await WaitListeningAsync(name, child, new IPEndPoint(IPAddress.Parse(address), port));
                }
            }
        }
        catch
        {
            await arms.DisposeAsync();
            throw;
        }

        return arms;
    }

    public async ValueTask DisposeAsync()
    {
        await _nginx.DisposeAsync();
        await _haproxy.DisposeAsync();
        await _forwarder.DisposeAsync();
    }

    private static async Task WaitListeningAsync(string name, ChildProcess child, IPEndPoint endPoint)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(endPoint);
                return;
            }
            catch (SocketException) when (!child.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"{name} did not listen on {endPoint}:\n{child.Tail(20)}");
            }
        }
    }
}
