using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// The gateway's metrics with the real Prometheus (Debian's <c>prometheus</c> package): the exposition passes
/// <c>promtool check metrics</c>, and a Prometheus server on loopback scrapes the gateway's operations listener and
/// has the gateway's series after real kubectl traffic.
/// </summary>
public sealed class PrometheusTests(SandboxFixture fixture)
{
    private const string PrometheusPackage = "this test needs Debian's prometheus package (apt-get install prometheus; .ci/run installs it).";

    [Fact]
    public async Task Exposition_AfterTraffic_PassesPromtoolAndIsScrapedByPrometheus()
    {
        var promtool = HostTool.Require("promtool", PrometheusPackage);
        var prometheus = HostTool.Require("prometheus", PrometheusPackage);
        var exec = await fixture.KubectlAsync("--context", "developer", "exec", "-n", "demo", "shell", "--", "echo", "metrics");
        Assert.True(exec.Succeeded, exec.ToString());
        var target = $"{fixture.Host.AddressPlan.GatewayAddress}:{AddressPlan.GatewayOperationsPort}";
        using var http = new HttpClient();
        var exposition = await http.GetStringAsync($"http://{target}/metrics", TestContext.Current.CancellationToken);

        var (lintExit, lintOutput) = await RunAsync(promtool, ["check", "metrics"], exposition);
        Assert.True(lintExit == 0, $"promtool check metrics failed ({lintExit}):\n{lintOutput}");

        var directory = Directory.CreateTempSubdirectory("apg-prometheus-").FullName;
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
            - job_name: apiproxygateway
              static_configs:
              - targets: ["{target}"]
            """, TestContext.Current.CancellationToken);
        using var server = Process.Start(new ProcessStartInfo(prometheus)
        {
            ArgumentList = { $"--config.file={Path.Combine(directory, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!; // ! Start returns null only for shell execution
        var serverLog = new System.Text.StringBuilder();
        var pumps = Task.WhenAll(PumpAsync(server.StandardOutput, serverLog), PumpAsync(server.StandardError, serverLog));
        string ServerSaid()
        {
            lock (serverLog)
            {
                return $"prometheus said:{Environment.NewLine}{serverLog}";
            }
        }

        try
        {
            // Prometheus listens some time after it starts: until then its port refuses connections.
            await TestWait.UntilReachableAsync(
                async token =>
                {
                    using var ready = await http.GetAsync($"http://127.0.0.1:{port}/-/ready", token);
                    return ready.IsSuccessStatusCode;
                },
                $"Prometheus on 127.0.0.1:{port} answers /-/ready with 200",
                TestWait.OperationTimeout,
                TestContext.Current.CancellationToken,
                ServerSaid);
            var exec2 = await fixture.KubectlAsync("--context", "developer", "logs", "-n", "demo", "logger", "--tail=1");
            Assert.True(exec2.Succeeded, exec2.ToString());

            var requests = await QueryUntilFoundAsync(http, port, "apiproxygateway_requests_total{route=\"exec\",job=\"apiproxygateway\"}", ServerSaid);
            var expiry = await QueryUntilFoundAsync(http, port, "apiproxygateway_certificate_expiry_seconds{plane=\"kubelet-client\"}", ServerSaid);
            var up = await QueryUntilFoundAsync(http, port, "up{job=\"apiproxygateway\"}", ServerSaid);

            Assert.NotEmpty(requests);
            Assert.True(double.Parse((string)expiry[0]!["value"]![1]!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal("1", (string?)up[0]!["value"]![1]);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }

            await server.WaitForExitAsync(CancellationToken.None);
            await pumps;
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<JsonArray> QueryUntilFoundAsync(HttpClient http, int port, string query, Func<string> serverSaid)
    {
        JsonArray found = [];
        await TestWait.UntilReachableAsync(
            async token =>
            {
                var answer = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString(query)}", token))!; // Prometheus answers JSON
                if (answer["data"]?["result"] is JsonArray { Count: > 0 } result)
                {
                    found = result;
                    return true;
                }

                return false;
            },
            $"Prometheus has a series for {query}",
            TestWait.OperationTimeout,
            TestContext.Current.CancellationToken,
            serverSaid);
        return found;
    }

    private static async Task PumpAsync(StreamReader reader, System.Text.StringBuilder log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string stdin)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!; // ! Start returns null only for shell execution
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
            await process.WaitForExitAsync(TestWait.Timeout(TestWait.OperationTimeout));
            return (process.ExitCode, await output + await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
